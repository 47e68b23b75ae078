#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# PMD auto load balance: with --pmd-auto-lb (threshold 0% and a 2 s interval
# so a test need not saturate a PMD for a minute), two loaded rx queues that
# start on the same PMD are spread over both PMDs by themselves, while traffic
# runs, with no frame lost by the switch; once balanced nothing moves again.
. "$(dirname "$0")/lib.sh"

EP_VSD_LCORES="--lcores 0@0,1@1,2@1" \
	EP_VSD_OPTS="--pmd-auto-lb --pmd-auto-lb-load 0 --pmd-auto-lb-interval 2" ep_vswitchd_start vsd
ctl add-br br0
for i in 0 1 2 3; do
	ctl add-port br0 vh$i type=vhost-user path="$EP_TMP/vh$i.sock"
done
owner() { ep_json "$(ctl --json pmd-rxq-show)" "[p['lcore'] for p in j['pmds'] for q in p['rxqs'] if q['port']=='$1'][0]"; }
moves() { ep_json "$(ctl --json pmd-rxq-show)" "j['auto_lb_moves']"; }
assert_eq "$(owner vh0)" "$(owner vh2)" "both loaded queues start on one PMD"

ep_peer peer "$EP_TMP/vh0.sock" "$EP_TMP/vh1.sock" "$EP_TMP/vh2.sock" "$EP_TMP/vh3.sock" -- \
	--announce --send 0:80000:02-00-00-00-00-02 --send 2:80000:02-00-00-00-00-04 \
	--rate 16000 --rx-time 1500 >"$EP_TMP/peer.json" &
peer=$!
EP_PIDS+=("$peer")
for i in $(seq 1 120); do
	[ "$(moves)" -ge 1 ] && break
	sleep 0.1
done
ctl pmd-rxq-show
assert_ge "$(moves)" 1 "auto load balance moved a queue by itself"
[ "$(owner vh0)" != "$(owner vh2)" ] || fail "vh0 and vh2 still share a PMD"
echo "ok: vh0 and vh2 on different PMDs"
wait "$peer"
out=$(cat "$EP_TMP/peer.json")
for pair in "0 1" "2 3"; do
	set -- $pair
	assert_eq "$(port_stat vh$1 rx_packets)" 80001 "vh$1: every frame reached the switch"
	full=$(port_stat vh$2 drops.tx_full)
	assert_eq "$(($(port_stat vh$2 tx_packets) + full))" 80003 "vh$2: every frame left (ring full: $full)"
	assert_eq "$(peer_from "$out" $2 $1)" $((80000 - full)) "the peer got what vh$2 sent"
done
m=$(moves)
sleep 4.5
assert_eq "$(moves)" "$m" "balanced: no further moves"
