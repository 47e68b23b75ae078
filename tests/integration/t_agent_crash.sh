#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# edgeplane-agent crash safety: for every step N of an allocate / release /
# allocate sequence, start a fresh agent with EDGEPLANE_AGENT_CRASH_AT=N (it
# _exit()s at its Nth crash point, like a kill -9 there), run the sequence,
# restart it normally and check that the books balance: no VNF is left
# half-made (every record is "allocated"), the capacity view adds up, what is
# allocated equals the sum of the listed VNFs' placements, and every VF not
# held by a VNF was last left unbound (the fake VF log). Then a plain kill -9
# in the middle of a burst of requests, with the same checks.
. "$(dirname "$0")/lib.sh"

EP_AGENT=$EP_BUILD/nfvi-agent/edgeplane-agent
[ -x "$EP_AGENT" ] || fail "not built: $EP_AGENT"
command -v curl >/dev/null || { echo "curl missing"; exit 77; }

ROOT=$EP_TMP/root
SOCK=$EP_TMP/run/agent.sock
python3 "$EP_ROOT/tests/unit/nfvi/mk-sysfs.py" "$ROOT" --nodes 2 --cores 4 --smt 2 \
	--hp2m 512 --hp1g 0 --pf ens1f0:0:4
cat >"$EP_TMP/agent.json" <<JSON
{"host_cpus": "0,8", "pmd_cpus": "1,9", "unix_socket_auth": false, "vf_backend": "fake", "vm_backend": "none"}
JSON

FW1='{"name":"fw1","vcpus":2,"memory_mb":256,"nics":[{"type":"sriov-vf","pf":"ens1f0","vlan":5},
 {"type":"sriov-vf","pf":"ens1f0","vlan":6}],"image":{"disk":"/a.qcow2"}}'
FW2='{"name":"fw2","vcpus":4,"memory_mb":512,"hw:cpu_thread_policy":"isolate","image":{"disk":"/b"}}'

start_agent() {	# STATE [ENV...]
	local state=$1 i; shift
	ep_spawn "$EP_TMP/agent.log" env "$@" "$EP_AGENT" --config "$EP_TMP/agent.json" \
		--sysfs-root "$ROOT" --state-dir "$state" --listen "unix:$SOCK"
	AGENT_PID=$EP_LAST_PID
	for ((i = 0; i < 100; i++)); do
		curl -s -o /dev/null --max-time 1 --unix-socket "$SOCK" http://agent/metrics && return 0
		kill -0 "$AGENT_PID" 2>/dev/null || fail "agent exited: $(cat "$EP_TMP/agent.log")"
		sleep 0.1
	done
	fail "agent did not answer"
}

req() { curl -s --max-time 5 --unix-socket "$SOCK" -o /dev/null -w '%{http_code}' "$@" || true; }

sequence() {
	req -X POST -d "$FW1" http://agent/v1/vnfs >/dev/null
	req -X DELETE http://agent/v1/vnfs/fw1 >/dev/null
	req -X POST -d "$FW2" http://agent/v1/vnfs >/dev/null
}

# check STATE WHAT: the books balance after a restart.
check() {
	local state=$1 what=$2 inv vnfs
	inv=$(curl -s --max-time 5 --unix-socket "$SOCK" http://agent/v1/inventory)
	vnfs=$(curl -s --max-time 5 --unix-socket "$SOCK" http://agent/v1/vnfs)
	python3 - "$inv" "$vnfs" "$state/vf-fake.log" "$what" <<'PY' || fail "$what"
import json, sys
inv, vnfs, log, what = json.loads(sys.argv[1]), json.loads(sys.argv[2])["vnfs"], sys.argv[3], sys.argv[4]
def cpus(s):
    out = set()
    for part in filter(None, s.split(",")):
        a, _, b = part.partition("-")
        out |= set(range(int(a), int(b or a) + 1))
    return out
bad = []
for v in vnfs:
    if v["state"] != "allocated":
        bad.append("%s left %s" % (v["name"], v["state"]))
held_cpus = set().union(*[cpus(v["placement"]["cpus"]) for v in vnfs]) if vnfs else set()
held_vfs = {f["pci"] for v in vnfs for f in v["placement"]["vfs"]}
held_pages = sum(v["placement"]["pages"] for v in vnfs if v["placement"]["page_size"] == "2M")
alloc_cpus = set().union(*[cpus(n["cpus"]["allocated_list"]) for n in inv["nodes"]])
if alloc_cpus != held_cpus:
    bad.append("allocated CPUs %s != held %s" % (sorted(alloc_cpus), sorted(held_cpus)))
for n in inv["nodes"]:
    for r in ("cpus", "vfs"):
        c = n[r]
        if c["total"] != c["reserved"] + c["allocated"] + c["available"]:
            bad.append("node %d %s does not add up: %s" % (n["id"], r, c))
if sum(n["hugepages"]["2M"]["allocated"] for n in inv["nodes"]) != held_pages:
    bad.append("2M pages allocated != held %d" % held_pages)
if sum(n["vfs"]["allocated"] for n in inv["nodes"]) != len(held_vfs):
    bad.append("VFs allocated != held %d" % len(held_vfs))
last = {}
try:
    for line in open(log):
        w = line.split()
        if w[0] == "bind":
            last[w[1]] = w[2]
except FileNotFoundError:
    pass
for pci, drv in last.items():
    if pci not in held_vfs and drv != "-":
        bad.append("VF %s left bound to %s" % (pci, drv))
    if pci in held_vfs and drv != "vfio-pci":
        bad.append("VF %s of a live VNF not bound" % pci)
if bad:
    print("FAIL: %s: %s" % (what, "; ".join(bad)), file=sys.stderr)
    sys.exit(1)
print("ok: %s: %d VNFs, books balance" % (what, len(vnfs)))
PY
}

n=1
while :; do
	[ $n -le 40 ] || fail "more than 40 crash points: the sequence never finished"
	state=$EP_TMP/state-$n
	start_agent "$state" EDGEPLANE_AGENT_CRASH_AT=$n
	sequence
	if kill -0 "$AGENT_PID" 2>/dev/null; then
		ep_stop "$AGENT_PID"
		echo "ok: sequence finished without reaching crash point $n"
		start_agent "$state"
		check "$state" "no crash"
		ep_stop "$AGENT_PID"
		break
	fi
	wait "$AGENT_PID" 2>/dev/null || true
	grep -q "crash point $n " "$EP_TMP/agent.log" || fail "agent died but not at crash point $n"
	step=$(sed -n 's/.*crash point [0-9]* (\(.*\)).*/\1/p' "$EP_TMP/agent.log" | head -1)
	start_agent "$state"
	check "$state" "crash at step $n ($step)"
	# and the agent still works: the whole sequence goes through now
	sequence
	check "$state" "sequence after recovery from step $n"
	ep_stop "$AGENT_PID"
	n=$((n + 1))
done
assert_ge "$n" 10 "crash points exercised"

# A real kill -9 during a burst of creates and deletes.
state=$EP_TMP/state-kill
start_agent "$state"
for i in $(seq 1 20); do
	req -X POST -d "${FW1/fw1/vf$i}" http://agent/v1/vnfs >/dev/null &
	req -X DELETE "http://agent/v1/vnfs/vf$((i - 1))" >/dev/null &
done
sleep 0.05
kill -KILL "$AGENT_PID"
wait 2>/dev/null || true
start_agent "$state"
check "$state" "kill -9 during a burst"
ep_stop "$AGENT_PID"
echo "PASS"
