#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Flow rules on a bridge: output/drop/normal/VLAN/MAC actions on real
# traffic with per-rule counters, table misses, del-flows by match, bad rules
# refused with nothing changed, rules kept across a restart, and the hitless
# test: 10,000 rules added and removed while traffic runs on an untouched
# path, with no frame of it lost.
. "$(dirname "$0")/lib.sh"

ep_vswitchd_start vsd
ctl add-br br0
for i in 0 1 2 3; do
	ctl add-port br0 vh$i type=vhost-user path="$EP_TMP/vh$i.sock"
done
socks=("$EP_TMP/vh0.sock" "$EP_TMP/vh1.sock" "$EP_TMP/vh2.sock" "$EP_TMP/vh3.sock")
flows_n() { ctl --json dump-flows br0 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["flows"]))'; }
flow_count() { ep_json "$(ctl --json dump-flows br0)" "[f['packets'] for f in j['flows'] if '$1' in f['flow']][0]"; }

# 1. Actions on traffic.
ctl add-flow br0 "priority=100,in_port=vh0,actions=mod_vlan_vid:42,output:vh1"
ctl add-flow br0 "priority=100,in_port=vh1,actions=drop"
ctl add-flow br0 "priority=90,in_port=vh2,dl_dst=02:00:00:00:00:04,actions=mod_dl_src:02:00:00:00:00:99,output:vh3,output:vh0"
ctl dump-flows br0
out=$(ep_peer p1 "${socks[@]}" -- --send 0:300:bcast --send 1:200:bcast \
	--send 2:100:02-00-00-00-00-04 --send 3:50:bcast --rate 20000 --rx-time 800)
echo "$out"
assert_eq "$(peer_from "$out" 1 0)" 300 "output:vh1 got vh0's frames"
assert_eq "$(ep_json "$out" "j['ports'][1]['rx_vlan'].get('42', 0)")" 300 "...tagged 42 by mod_vlan_vid"
assert_eq "$(peer_from "$out" 2 0)" 0 "no flooding: vh2 got nothing of vh0"
assert_eq "$(port_stat vh1 drops.flow_drop)" 200 "drop action counted"
assert_eq "$(peer_from "$out" 3 2)" 100 "two outputs: vh3 got vh2's frames"
assert_eq "$(peer_from "$out" 0 2)" 100 "...and so did vh0"
assert_eq "$(port_stat vh3 drops.flow_miss)" 50 "no rule for vh3: table miss counted"
assert_eq "$(flow_count in_port=vh0)" 300 "per-rule packet counter"
assert_eq "$(flow_count in_port=vh1)" 200 "per-rule counter of the drop rule"

# 2. Bad rules change nothing.
before=$(ctl --json dump-flows br0)
for f in "in_port=nosuch,actions=drop" "ip,nw_dst=10.0.0.0/40,actions=drop" \
	"actions=drop,output:vh1" "nw_dst=10.0.0.1,actions=drop" "actions=output:nosuch"; do
	if ctl add-flow br0 "$f" 2>"$EP_TMP/err"; then fail "accepted bad flow $f"; fi
	echo "ok: refused '$f': $(cat "$EP_TMP/err")"
done
if ctl call flow.add "{\"bridge\":\"br0\",\"flows\":[\"priority=5,actions=normal\",\"in_port=bad,actions=drop\"]}" 2>/dev/null; then
	fail "a batch with one bad flow was accepted"
fi
assert_eq "$(ctl --json dump-flows br0)" "$before" "nothing changed by the refused flows"

# 3. Restart keeps the rules; del-flows by match.
ep_stop "$EP_VSD_PID"
ep_vswitchd_start vsd2
assert_eq "$(ep_json "$(ctl --json dump-flows br0)" "sorted(f['flow'] for f in j['flows'])")" \
	"$(ep_json "$before" "sorted(f['flow'] for f in j['flows'])")" "rules restored after a restart"
assert_eq "$(ep_json "$(ctl --json del-flows br0 in_port=vh1)" "j['deleted']")" 1 "del-flows by match"
assert_eq "$(ep_json "$(ctl --json dump-flows br0)" "len(j['flows'])")" 2 "two rules left"
ctl del-flows br0 >/dev/null
assert_eq "$(ep_json "$(ctl --json dump-flows br0)" "len(j['flows'])")" 0 "del-flows without a match empties the table"

# 4. Hitless: 10,000 rules in and out while vh0 -> vh1 carries traffic.
ctl add-flow br0 "priority=1,actions=normal"
python3 - "$EP_TMP" <<'PY'
import json, sys
tmp = sys.argv[1]
for b in range(10):
    flows = ["priority=200,in_port=vh2,ip,nw_dst=10.%d.%d.%d,actions=output:vh3"
             % (b, i // 250, i % 250) for i in range(1000)]
    json.dump({"bridge": "br0", "flows": flows}, open("%s/batch%d.json" % (tmp, b), "w"))
PY
ep_peer p2 "${socks[@]}" -- --announce --send 0:60000:02-00-00-00-00-02 --rate 10000 \
	--rx-time 1000 >"$EP_TMP/p2.json" &
peer=$!
EP_PIDS+=("$peer")
for i in $(seq 1 100); do
	[ "$(port_stat vh0 rx_packets)" -gt 5000 ] && break
	sleep 0.1
done
start=$(date +%s.%N)
for b in $(seq 0 9); do
	ctl call flow.add "$(cat "$EP_TMP/batch$b.json")" >/dev/null
done
mid=$(date +%s.%N)
assert_eq "$(flows_n)" 10001 "10,000 rules installed"
for b in $(seq 0 9); do
	ctl del-flows br0 "ip,nw_dst=10.$b.0.0/16" >/dev/null
done
end=$(date +%s.%N)
python3 -c "print('10,000 rules added in %.2f s, removed in %.2f s' % ($mid - $start, $end - $mid))"
assert_eq "$(flows_n)" 1 "all removed"
wait "$peer"
out=$(cat "$EP_TMP/p2.json")
assert_eq "$(port_stat vh0 rx_packets)" 60001 "the untouched path: every frame reached the switch"
full=$(port_stat vh1 drops.tx_full)
assert_eq "$(ep_json "$(ctl --json port-stats vh1)" "sum(v for k, v in j['ports'][0]['drops'].items() if k != 'tx_full')")" 0 \
	"vh1: no drop but a full receiver ring"
assert_eq "$(peer_from "$out" 1 0)" $((60000 - full)) "every frame the switch sent arrived (receiver ring full: $full)"
assert_le "$full" 0 "zero loss on the untouched path while 10,000 rules came and went"

# 5. The PMDs' exact-match cache: --emc-insert-inv-prob (1: every answer
# cached; 0: no cache), with a table of 5 subtables (the cache serves tables
# of 4 or more); a bad value is refused before anything starts.
if "$EP_VSWITCHD" -- --emc-insert-inv-prob -1 2>"$EP_TMP/err"; then
	fail "--emc-insert-inv-prob -1 accepted"
fi
grep -q "emc-insert-inv-prob must be 0\.\." "$EP_TMP/err" || fail "no clear error: $(cat "$EP_TMP/err")"
echo "ok: refused: $(cat "$EP_TMP/err")"
ctl add-flow br0 "priority=300,in_port=vh0,actions=output:vh1"
ctl add-flow br0 "priority=10,in_port=vh2,ip,actions=drop"
ctl add-flow br0 "priority=10,dl_dst=02:00:00:00:00:77,actions=drop"
ctl add-flow br0 "priority=10,ip,nw_dst=10.9.9.9,actions=drop"
for prob in 1 0; do
	ep_stop "$EP_VSD_PID"
	EP_VSD_OPTS="--emc-insert-inv-prob $prob" ep_vswitchd_start "vsd-emc$prob"
	out=$(ep_peer "pe$prob" "${socks[@]}" -- --send 0:500:02-00-00-00-00-02 --rate 20000 \
		--rx-time 800)
	assert_eq "$(peer_from "$out" 1 0)" 500 "inv-prob $prob: output:vh1 got every frame"
	stats=$(ctl --json pmd-stats)
	assert_eq "$(ep_json "$stats" "j['emc_insert_inv_prob']")" "$prob" "pmd-stats shows the setting"
	assert_eq "$(ep_json "$stats" "sum(p['flow_lookups'] for p in j['pmds'])")" 500 "500 flow lookups"
	hits=$(ep_json "$stats" "sum(p['emc_hits'] for p in j['pmds'])")
	classified=$(ep_json "$stats" "sum(p['emc_misses'] for p in j['pmds'])")
	inserts=$(ep_json "$stats" "sum(p['emc_inserts'] for p in j['pmds'])")
	if [ "$prob" = 1 ]; then
		assert_eq "$inserts" 1 "one flow, every answer cached: one insert"
		assert_eq "$classified" 1 "...one classifier lookup, the rest from the cache or repeats"
		assert_le 1 "$hits" "...cache hits"
	else
		assert_eq "$inserts" 0 "no cache: no insert"
		assert_eq "$hits" 0 "no cache: no hit"
		assert_le 1 "$classified" "no cache: the classifier answers"
	fi
	ctl pmd-stats | grep 'flow lookups'
done
