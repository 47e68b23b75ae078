#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A VNF end to end through edgeplane-agent, real libvirtd and QEMU (TCG):
#   POST /v1/vnfs (2 vhost-user NICs on br0, VLANs 10 and 20, the test guest with
#   ep.role=bridge) -> agent: allocate, vswitchd ports, define, start ->
#   ep-peer p0 (VLAN 10) -> br0 -> guest eth0 | Linux bridge | guest eth1 -> br0 (VLAN 20) -> p1,
#   and back; >= 70% must arrive under TCG. Then stop/start, a snapshot, the live view
#   and /metrics, DELETE, and the inventory is whole again (cores, pages, ports, domains).
#   Last: kill -9 the agent in the middle of a create and restart it: nothing leaked.
#
# libvirtd is a private instance (scripts/lib/libvirt.sh): the host's libvirt
# config, daemon and users are never touched.
. "$(dirname "$0")/lib.sh"
. "$EP_ROOT/scripts/lib/guest.sh"
. "$EP_ROOT/scripts/lib/libvirt.sh"
. "$EP_ROOT/scripts/lib/agent.sh"

[ -x "$EP_AGENT" ] || fail "not built: $EP_AGENT"
why=$(ep_libvirtd_check) || { echo "$why"; exit 77; }
why=$(ep_guest_check) || { echo "$why"; exit 77; }
ep_guest_image || fail "guest image build failed"

N=${EP_GUEST_FRAMES:-1000}
STATE=$EP_TMP/state
SOCK=$EP_TMP/run/agent.sock

lvsh() { ep_lvsh "$@"; }
trap 'rc=$?; ep_libvirtd_cleanup; [ $rc -ne 0 ] && [ $rc -ne 77 ] && ep_dump_logs; ep_cleanup; exit $rc' EXIT

ep_libvirtd_start "$EP_TMP/lv" || fail "private libvirtd did not start"
echo "ok: private libvirtd (pid $EP_LV_PID) on $EP_TMP/lv/sock"

# ---- switch: br0, the peer's ports (access 10 and 20)
ep_hugepages 512
ep_vswitchd_start vsd
ctl add-br br0
ctl add-port br0 p0 type=vhost-user path="$EP_TMP/p0.sock" vlan_mode=access tag=10
ctl add-port br0 p1 type=vhost-user path="$EP_TMP/p1.sock" vlan_mode=access tag=20

# ---- agent on the real host: CPU 1 is the switch's PMD, CPU 0 goes to the VNF
cat >"$EP_TMP/agent.json" <<JSON
{"pmd_cpus": "1", "unix_socket_auth": false, "vf_backend": "fake", "accel": "auto"}
JSON
start_agent() {
	ep_agent_start "$SOCK" --config "$EP_TMP/agent.json" --state-dir "$STATE" \
		--vswitchd-socket "$EP_TMP/run/vswitchd.sock" --libvirt-uri "$EP_LV_URI" ||
		fail "agent did not start"
	AGENT_PID=$EP_AGENT_PID
}
api() { ep_agent_api "$@"; }
# the books: allocated CPUs and 2M pages on node 0, our ports, our domains
books() {
	api GET /v1/inventory
	echo "cpus=$(ep_json "$BODY" "j['nodes'][0]['cpus']['allocated']")" \
		"pages=$(ep_json "$BODY" "j['nodes'][0]['hugepages']['2M']['allocated']")" \
		"ports=$(ctl --json list-ports | python3 -c 'import json,sys; print(sorted(p["name"] for p in json.load(sys.stdin)["ports"]))' | tr -d ' ')" \
		"domains=$(lvsh list --all --name | tr '\n' ',')"
}
start_agent
BOOKS0=$(books)
echo "books before: $BOOKS0"

vnf() { # vnf NAME
	cat <<JSON
{"name": "$1", "vcpus": 1, "memory_mb": 256, "hw:mem_page_size": "2MB",
 "nics": [{"type": "vhost-user", "bridge": "br0", "vlan": 10},
          {"type": "vhost-user", "bridge": "br0", "vlan": 20}],
 "image": {"kernel": "$EP_GUEST_KERNEL", "initrd": "$EP_GUEST_INITRD",
           "cmdline": "console=ttyS0 panic=-1 loglevel=4 ep.role=bridge"}}
JSON
}
wait_console() { # wait_console NAME ERE TIMEOUT
	local f=$STATE/console/$1.log i line
	for ((i = 0; i < $3 * 10; i++)); do
		line=$(tr -d '\r' <"$f" 2>/dev/null | grep -m1 -E "$2" || true)
		[ -n "$line" ] && { echo "$line"; return 0; }
		sleep 0.1
	done
	echo "timeout: $1 did not print /$2/ in $3 s" >&2
	tail -5 "$f" >&2 || true
	return 1
}
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$2"; }

# ---- create
t0=$(now)
api POST /v1/vnfs "$(vnf fw1)"
t1=$(now)
[ "$CODE" = 201 ] || fail "POST fw1: $CODE $BODY"
echo "ok: POST /v1/vnfs 201 in $(elapsed "$t0" "$t1") s (allocate, 2 ports, define, start: domain running)"
assert_eq "$(lvsh domstate ep-fw1)" running "libvirt domain ep-fw1"
accel=$(ep_json "$BODY" "j['accel']")
echo "accel: $accel"
xml=$(lvsh dumpxml ep-fw1)
echo "$xml" | grep -q "<vcpupin vcpu='0' cpuset='0'/>" || fail "vCPU 0 not pinned to CPU 0"
echo "$xml" | grep -q "<page size='2048' unit='KiB' nodeset='0'/>" || fail "no 2M hugepage backing"
echo "$xml" | grep -q "mode='server'" || fail "vhost-user not in server mode"
[ "$accel" = kvm ] || echo "$xml" | grep -q "pci=nomsi" || fail "TCG without pci=nomsi"
ready=$(wait_console fw1 "EP-READY" 90) || fail "guest did not boot"
t2=$(now)
echo "$ready"
echo "ok: create-to-running (POST to guest EP-READY) $(elapsed "$t0" "$t2") s"
echo "$ready" | grep -q "nics=2 .*carrier=1 .*carrier=1" || fail "guest NICs without carrier"
ep_wait_ports_up 10 fw1-0 fw1-1

traffic() { # traffic N: both ways through the guest, asserts >= 70%
	local n=$1 out got01 got10
	out=$(ep_peer peer "$EP_TMP/p0.sock" "$EP_TMP/p1.sock" -- --announce \
		--send 0:"$n":02-00-00-00-00-02 --send 1:"$n":02-00-00-00-00-01 --rate 2000 --rx-time 3000)
	got01=$(peer_from "$out" 1 0)
	got10=$(peer_from "$out" 0 1)
	echo "traffic: p0 -> VLAN 10 -> guest -> VLAN 20 -> p1: $got01 of $n ($((got01 * 100 / n))%);" \
		"p1 -> p0: $got10 of $n ($((got10 * 100 / n))%)"
	assert_ge "$((got01 * 100))" "$((n * 70))" "p0 -> guest -> p1 (x100)"
	assert_ge "$((got10 * 100))" "$((n * 70))" "p1 -> guest -> p0 (x100)"
	assert_eq "$(peer_stat "$out" 0 rx_bad)$(peer_stat "$out" 1 rx_bad)" 00 "no corrupt frames"
	GOT01=$got01
}
traffic "$N"

# ---- the agent's view: state from libvirt, port counters from vswitchd
api GET /v1/vnfs/fw1
assert_eq "$(ep_json "$BODY" "j['vm']['state']")" running "GET vm.state"
assert_eq "$(ep_json "$BODY" "j['drift']")" "[]" "no drift"
assert_eq "$(ep_json "$BODY" "[p['link'] for p in j['ports']]")" "['up', 'up']" "ports up"
assert_ge "$(ep_json "$BODY" "j['ports'][1]['rx_packets']")" "$GOT01" "fw1-1 rx_packets (from the guest)"
echo "ports: $(ep_json "$BODY" "[(p['name'], p['rx_packets'], p['tx_packets'], p['drops']) for p in j['ports']]")"
curl -s --unix-socket "$SOCK" http://agent/metrics >"$EP_TMP/metrics"
grep -q '^edgeplane_agent_vnf_running{vnf="fw1"} 1' "$EP_TMP/metrics" || fail "metrics: vnf_running"
grep -E '^edgeplane_agent_vnf_port_packets_total\{vnf="fw1",port="fw1-1",direction="rx"\} [1-9]' \
	"$EP_TMP/metrics" >/dev/null || fail "metrics: port packets"
echo "ok: /metrics has the VNF's state and port counters"

# ---- stop / start (the allocation stays)
api POST /v1/vnfs/fw1/actions '{"action": "stop", "force": true}'
assert_eq "$CODE" 200 "stop"
assert_eq "$(lvsh domstate ep-fw1)" "shut off" "domain after stop"
api GET /v1/inventory
assert_eq "$(ep_json "$BODY" "j['nodes'][0]['cpus']['allocated']")" 1 "CPU still held while stopped"
t0=$(now)
api POST /v1/vnfs/fw1/actions '{"action": "start"}'
assert_eq "$CODE" 200 "start"
wait_console fw1 "EP-READY" 90 >/dev/null || fail "guest did not boot after start"
echo "ok: start-to-ready $(elapsed "$t0" "$(now)") s"
ep_wait_ports_up 10 fw1-0 fw1-1
traffic 300

# ---- snapshot (libvirt external memory snapshot; the guest keeps running)
api POST /v1/vnfs/fw1/actions '{"action": "snapshot", "name": "s1"}'
if [ "$CODE" = 200 ]; then
	echo "ok: snapshot: $(ep_json "$BODY" "j")"
	assert_eq "$(lvsh snapshot-list ep-fw1 --name | head -1)" s1 "libvirt snapshot s1"
	[ -s "$STATE/snapshots/fw1/s1.mem" ] || fail "no snapshot memory file"
	assert_eq "$(lvsh domstate ep-fw1)" running "domain after snapshot"
else
	fail "snapshot: $CODE $BODY"
fi

# ---- delete: every core, page, port and domain comes back
api DELETE /v1/vnfs/fw1
assert_eq "$CODE" 204 "DELETE fw1"
assert_eq "$(books)" "$BOOKS0" "books after delete"
[ ! -e "$STATE/snapshots/fw1" ] || fail "snapshot files left"

# ---- kill -9 the agent in the middle of a create, restart it: nothing leaked
curl -s --max-time 120 --unix-socket "$SOCK" -X POST -H 'Content-Type: application/json' \
	--data-binary "$(vnf fw2)" -o /dev/null http://agent/v1/vnfs &
CURL_PID=$!
for ((i = 0; i < 200; i++)); do # until the domain is defined (the agent is in virDomainCreate)
	lvsh list --all --name | grep -qx ep-fw2 && break
	sleep 0.05
done
kill -9 "$AGENT_PID"
wait "$CURL_PID" 2>/dev/null || true
echo "killed the agent mid-create: step $(grep -o '"step":"[a-z]*"' "$STATE/journal" | tail -1)," \
	"domains: $(lvsh list --all --name | tr '\n' ' ')"
start_agent
grep -E "recovery|reconcile" "$EP_TMP/agent.log" | tail -3
assert_eq "$(books)" "$BOOKS0" "books after kill -9 mid-create and restart"
api GET /v1/vnfs
assert_eq "$(ep_json "$BODY" "len(j['vnfs'])")" 0 "no VNF records"
