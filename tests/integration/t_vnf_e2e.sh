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
. "$(dirname "$0")/vnf_lib.sh"

N=${EP_GUEST_FRAMES:-1000}

# ---- one host: private libvirtd, switch (br0, the peer's ports p0/p1 on access VLANs
# 10 and 20), the agent (CPU 1 is the switch's PMD, CPU 0 goes to the VNF)
ep_hugepages 512
host_up
BOOKS0=$(books)
echo "books before: $BOOKS0"

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

traffic "$N"

# ---- the agent's view: state from libvirt, port counters from vswitchd
api GET /v1/vnfs/fw1
assert_eq "$(ep_json "$BODY" "j['vm']['state']")" running "GET vm.state"
assert_eq "$(ep_json "$BODY" "j['drift']")" "[]" "no drift"
assert_eq "$(ep_json "$BODY" "[p['link'] for p in j['ports']]")" "['up', 'up']" "ports up"
assert_ge "$(ep_json "$BODY" "j['ports'][1]['rx_packets']")" "$GOT01" "fw1-1 rx_packets (from the guest)"
echo "ports: $(ep_json "$BODY" "[(p['name'], p['rx_packets'], p['tx_packets'], p['drops']) for p in j['ports']]")"
curl -s --unix-socket "$EP_AGENT_SOCK" http://agent/metrics >"$EP_TMP/metrics"
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
curl -s --max-time 120 --unix-socket "$EP_AGENT_SOCK" -X POST -H 'Content-Type: application/json' \
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
