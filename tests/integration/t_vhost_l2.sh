#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# L2 learning bridge over vhost-user: three virtio-user peers on br0.
# Unicast to a learned MAC reaches only its port; broadcast and unknown
# unicast flood to every other port; counters match; the FDB shows the MACs
# on the right ports; mbufs in use return to the baseline after traffic.
. "$(dirname "$0")/lib.sh"

ep_vswitchd_start vsd
ctl add-br br0
for i in 0 1 2; do
	ctl add-port br0 vh$i type=vhost-user path="$EP_TMP/vh$i.sock"
done
base=$(mbufs_in_use)

out=$(ep_peer peer "$EP_TMP/vh0.sock" "$EP_TMP/vh1.sock" "$EP_TMP/vh2.sock" -- \
	--announce --send 0:5000:02-00-00-00-00-02 --send 2:300:bcast \
	--send 1:200:02-00-00-00-00-99 --rate 50000 --rx-time 1000)
echo "$out"
# unicast 0 -> 1 only
assert_eq "$(peer_from "$out" 1 0)" 5000 "port 1 got every unicast frame of port 0"
assert_eq "$(peer_from "$out" 2 0)" 0 "port 2 got none of port 0's unicast"
# broadcast from 2 floods to 0 and 1, never back to 2
assert_eq "$(peer_from "$out" 0 2)" 300 "port 0 got port 2's broadcasts"
assert_eq "$(peer_from "$out" 1 2)" 300 "port 1 got port 2's broadcasts"
assert_eq "$(peer_from "$out" 2 2)" 0 "no hairpin of broadcasts"
# unknown unicast from 1 floods to 0 and 2
assert_eq "$(peer_from "$out" 0 1)" 200 "port 0 got port 1's unknown unicast"
assert_eq "$(peer_from "$out" 2 1)" 200 "port 2 got port 1's unknown unicast"
for p in 0 1 2; do
	assert_eq "$(peer_stat "$out" $p rx_bad)" 0 "port $p: no corrupt frames"
done

# the switch's counters agree (announcements: 1 frame in, 2 flooded out per port)
assert_eq "$(port_stat vh0 rx_packets)" 5001 "vh0 rx"
assert_eq "$(port_stat vh1 tx_packets)" $((5000 + 300 + 2)) "vh1 tx"
assert_eq "$(port_stat vh2 tx_packets)" $((200 + 2)) "vh2 tx"
assert_eq "$(port_stat vh0 tx_packets)" $((300 + 200 + 2)) "vh0 tx"
assert_eq "$(port_stat vh2 rx_bytes)" $(((300 + 1) * 60)) "vh2 rx bytes"

fdb=$(ctl --json fdb-show br0)
for i in 0 1 2; do
	assert_eq "$(ep_json "$fdb" "[e['port'] for e in j['entries'] if e['mac']=='02:00:00:00:00:0$((i + 1))'][0]")" \
		"vh$i" "MAC of peer $i learned on vh$i"
done
ctl fdb-show br0
ctl pmd-stats

# mbufs: back to the baseline once traffic stopped
sleep 0.5
assert_eq "$(mbufs_in_use)" "$base" "mbufs in use back to baseline"

# fdb-flush empties the table
ctl fdb-flush br0 >/dev/null
assert_eq "$(ep_json "$(ctl --json fdb-show br0)" "len(j['entries'])")" 0 "fdb flushed"

# The same counters through DPDK's telemetry socket, with the stock client
# (the telemetry copy is refreshed once a second).
sleep 1.2
tel=$(printf '/edgeplane/port/stats,vh0\n' | dpdk-telemetry.py -f "$EP_VSD_PREFIX" | tail -1)
echo "$tel"
assert_eq "$(ep_json "$tel" "j['/edgeplane/port/stats']['rx_packets']")" "$(port_stat vh0 rx_packets)" \
	"dpdk-telemetry.py reads vh0's rx_packets"

# Many conversations: 201 MACs behind vh0 talking to 201 behind vh1 in
# bursts of 32 frames of 32 pairs take the bulk L2 path and its MAC-pair
# cache. ep-peer numbers the frames of all its sends together and frame k
# goes from MAC k % N to the other port's MAC k % N, so a first pass of
# single frames (the sends alternate; N odd) teaches the switch every
# address; in the second pass every frame reaches exactly its port (nothing
# is flooded to vh2), and most frames' answers come from the pair cache.
ep_peer mix1 "$EP_TMP/vh0.sock" "$EP_TMP/vh1.sock" "$EP_TMP/vh2.sock" -- --src-macs 201 \
	--rate 100000 --send 0:1000:macs:1 --send 1:1000:macs:0 --rx-time 500 >/dev/null
assert_eq "$(ep_json "$(ctl --json fdb-show br0)" \
	"len([e for e in j['entries'] if e['mac'].startswith('02:01:0')])")" 402 \
	"the first pass taught all 402 addresses of the mix"
st0=$(ctl --json pmd-stats)
out=$(ep_peer mix2 "$EP_TMP/vh0.sock" "$EP_TMP/vh1.sock" "$EP_TMP/vh2.sock" -- --src-macs 201 \
	--tx-burst 32 --rate 100000 --send 0:3200:macs:1 --send 1:3200:macs:0 --rx-time 500)
st1=$(ctl --json pmd-stats)
assert_eq "$(peer_from "$out" 1 0)" 3200 "vh1 got every frame of the mix from vh0"
assert_eq "$(peer_from "$out" 0 1)" 3200 "vh0 got every frame of the mix from vh1"
assert_eq "$(peer_stat "$out" 2 rx)" 0 "nothing of the learned mix was flooded to vh2"
pair() { ep_json "$1" "sum(p['$2'] for p in j['pmds'])"; }
hits=$(($(pair "$st1" pair_hits) - $(pair "$st0" pair_hits)))
misses=$(($(pair "$st1" pair_misses) - $(pair "$st0" pair_misses)))
echo "mac-pair cache: $hits hits, $misses misses"
assert_eq "$([ "$hits" -ge 3200 ] && echo yes)" yes "most of the mix's 6400 frames hit the MAC-pair cache"
assert_eq "$([ $((hits + misses)) -le 6400 ] && echo yes)" yes "pair lookups <= frames"
ctl pmd-stats | grep "mac-pair"
# Every rx call that returned packets is a burst: at most 32 frames each.
pk=$(($(pair "$st1" packets) - $(pair "$st0" packets)))
bursts=$(($(pair "$st1" rx_bursts) - $(pair "$st0" rx_bursts)))
echo "rx: $pk packets in $bursts bursts"
assert_eq "$([ "$pk" -ge 6400 ] && [ $((bursts * 32)) -ge "$pk" ] && [ "$bursts" -le "$pk" ] &&
	echo yes)" yes "rx bursts: between packets / 32 and packets"
