#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Rx queue rebalancing by measured cycles (as OVS pmd-rxq-assign=cycles):
# with two PMDs and both loaded queues on the same PMD, pmd-rxq-rebalance
# moves one of them to the other PMD while traffic runs, and not one frame
# is lost through the move (no PMD stops; no queue is polled by two PMDs).
. "$(dirname "$0")/lib.sh"

# Both PMDs on CPU 1 (they time-share it), so the traffic peer on CPU 0 is
# never starved by a busy-polling PMD and every frame it is sent gets read.
EP_VSD_LCORES="--lcores 0@0,1@1,2@1" ep_vswitchd_start vsd
ctl add-br br0
for i in 0 1 2 3; do
	ctl add-port br0 vh$i type=vhost-user path="$EP_TMP/vh$i.sock"
done
ctl pmd-rxq-show
# Sticky first assignment: vh0, vh2 on the first PMD; vh1, vh3 on the second.
owner() { ep_json "$(ctl --json pmd-rxq-show)" "[p['lcore'] for p in j['pmds'] for q in p['rxqs'] if q['port']=='$1'][0]"; }
assert_eq "$(owner vh0)" "$(owner vh2)" "both loaded queues start on one PMD"

ep_peer peer "$EP_TMP/vh0.sock" "$EP_TMP/vh1.sock" "$EP_TMP/vh2.sock" "$EP_TMP/vh3.sock" -- \
	--announce --send 0:40000:02-00-00-00-00-02 --send 2:40000:02-00-00-00-00-04 \
	--rate 16000 --rx-time 1500 >"$EP_TMP/peer.json" &
peer=$!
EP_PIDS+=("$peer")
# Let traffic run a while (the peer may take a moment to start).
for i in $(seq 1 100); do
	[ "$(port_stat vh2 rx_packets)" -gt 8000 ] && break
	sleep 0.1
done
ctl pmd-rxq-show
out=$(ctl --json pmd-rxq-rebalance)
echo "$out"
assert_ge "$(ep_json "$out" "j['moved']")" 1 "rebalance moved a queue"
ctl pmd-rxq-show
[ "$(owner vh0)" != "$(owner vh2)" ] || fail "vh0 and vh2 still share a PMD"
echo "ok: vh0 and vh2 now on different PMDs"
wait "$peer"
out=$(cat "$EP_TMP/peer.json")
ctl port-stats
# Every frame reached the switch through the move, and every one left it
# again, except those a full receiver ring refused (tx_full: the peer was
# descheduled, which a loaded machine does; it is not the switch losing them).
for pair in "0 1" "2 3"; do
	set -- $pair
	assert_eq "$(port_stat vh$1 rx_packets)" 40001 "vh$1 received every frame (+1 announce)"
	full=$(port_stat vh$2 drops.tx_full)
	assert_eq "$(($(port_stat vh$2 tx_packets) + full))" 40003 \
		"vh$2 sent every frame on (or its receiver's ring was full: $full)"
	assert_eq "$(ep_json "$(ctl --json port-stats vh$2)" "sum(v for k, v in j['ports'][0]['drops'].items() if k != 'tx_full')")" 0 \
		"vh$2: no other drop"
	assert_eq "$(peer_from "$out" $2 $1)" $((40000 - full)) "the peer got all the switch sent on vh$2"
done
# With no traffic every queue costs nothing: ties keep every queue where it is.
ctl pmd-rxq-rebalance >/dev/null	# closes the interval that still saw traffic
assert_eq "$(ep_json "$(ctl --json pmd-rxq-rebalance)" "j['moved']")" 0 "an idle rebalance moves nothing"
