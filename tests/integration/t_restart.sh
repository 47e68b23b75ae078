#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The db makes the configuration survive restarts: after SIGTERM and after
# kill -9, vswitchd comes back with the same bridges, ports and settings,
# recreates its vhost-user server sockets, and forwards again. A port whose
# device vanished while the switch was down is kept (state "error") rather
# than lost, and can be deleted.
. "$(dirname "$0")/lib.sh"

id=$$
ip link add "epr$id" type veth peer name "epr${id}p"
cleanup_veth() { ip link del "epr$id" 2>/dev/null || true; }

ep_vswitchd_start vsd
trap 'rc=$?; cleanup_veth; [ $rc -ne 0 ] && ep_dump_logs; ep_cleanup; exit $rc' EXIT
ctl add-br br0 aging=120
ctl add-br br1 fdb_size=1024
ctl add-port br0 vh0 type=vhost-user path="$EP_TMP/vh0.sock" tag=10
ctl add-port br0 vh1 type=vhost-user path="$EP_TMP/vh1.sock" vlan_mode=native-untagged tag=10 trunks=10,20
ctl add-port br0 vh2 type=vhost-user path="$EP_TMP/vh2.sock" mtu=9000
ctl add-port br1 null0 type=dpdk devargs=net_null0
ctl add-port br1 veth type=dpdk devargs="net_af_packet0,iface=epr$id"

strip_state() { python3 -c '
import json,sys
j=json.load(sys.stdin)
for b in j["bridges"]:
    for p in b["ports"]:
        p.pop("state", None); p.pop("error", None); p.pop("id", None)
print(json.dumps(j, sort_keys=True))'; }

before=$(ctl --json show | strip_state)
db_before=$(cat "$EP_TMP/vswitchd.json")

traffic_ok() {
	local out
	out=$(ep_peer "peer$1" "$EP_TMP/vh0.sock" "$EP_TMP/vh1.sock" -- \
		--announce --send 0:500:02-00-00-00-00-02 --rate 50000 --rx-time 500)
	assert_eq "$(peer_from "$out" 1 0)" 500 "traffic vh0 -> vh1 ($1)"
	assert_eq "$(ep_json "$out" "j['ports'][1]['rx_untagged']")" 500 "...untagged on the native VLAN ($1)"
}
traffic_ok first

ep_stop "$EP_VSD_PID"
[ -S "$EP_TMP/vh0.sock" ] && fail "server socket left behind after a clean exit"
echo "ok: sockets removed on exit"
ep_vswitchd_start vsd2
assert_eq "$(ctl --json show | strip_state)" "$before" "config identical after SIGTERM restart"
assert_eq "$(cat "$EP_TMP/vswitchd.json")" "$db_before" "db unchanged by the restart"
traffic_ok after-term

kill -KILL "$EP_VSD_PID"; wait "$EP_VSD_PID" 2>/dev/null || true
ep_vswitchd_start vsd3
assert_eq "$(ctl --json show | strip_state)" "$before" "config identical after kill -9"
traffic_ok after-kill

# A device that vanished while the switch was down.
ep_stop "$EP_VSD_PID"
cleanup_veth
ep_vswitchd_start vsd4
state=$(ep_json "$(ctl --json list-ports br1)" "[p['state'] for p in j['ports'] if p['name']=='veth'][0]")
assert_eq "$state" error "a port that cannot come back is kept, in state error"
assert_eq "$(ctl --json show | strip_state)" "$before" "...and stays in the config"
grep -q "epr$id" "$EP_TMP/vswitchd.json" || fail "the db lost the port"
ctl del-port veth
assert_eq "$(ep_json "$(ctl --json list-ports br1)" "len(j['ports'])")" 1 "deleting it works"
grep -q "epr$id" "$EP_TMP/vswitchd.json" && fail "the db still has the deleted port"
echo "ok: db updated"

# A corrupt db is refused with a clear error, not half-applied.
ep_stop "$EP_VSD_PID"
echo '{"bridges": [{"name": "br0", "ports": [{"name": "x", "type": "bogus"}]}]}' >"$EP_TMP/vswitchd.json"
if ep_vswitchd_start vsd5 2>/dev/null; then fail "started with a corrupt db"; fi
grep -q "unknown port type 'bogus'" "$EP_TMP/vsd5.log" || fail "no clear error for the corrupt db"
echo "ok: corrupt db refused: $(grep -m1 bogus "$EP_TMP/vsd5.log")"
