#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Multiqueue vhost-user: 2-queue-pair ports and a 2-queue virtio-user peer.
# With two PMD threads, the four rx queues are spread over both PMDs, both of
# the peer's tx queues carry traffic into the switch, and the switch
# transmits on both guest rx queues (one per PMD); per-queue counters show it.
. "$(dirname "$0")/lib.sh"

# Two PMDs: lcore 1 on CPU 1, lcore 2 on CPU 0 (beside the control thread).
EP_VSD_LCORES="--lcores 0@0,1@1,2@0" ep_vswitchd_start vsd
ctl add-br br0
ctl add-port br0 vh0 type=vhost-user path="$EP_TMP/vh0.sock" n_rxq=2
ctl add-port br0 vh1 type=vhost-user path="$EP_TMP/vh1.sock" n_rxq=2
ctl pmd-stats
pmds=$(ctl --json pmd-stats)
assert_eq "$(ep_json "$pmds" "len(j['pmds'])")" 2 "two PMD threads"
assert_eq "$(ep_json "$pmds" "sorted(len(p['rxqs']) for p in j['pmds'])")" "[2, 2]" \
	"four rx queues spread two per PMD"
base=$(mbufs_in_use)

out=$(EP_PEER_VDEV_EXTRA=",queues=2" ep_peer peer "$EP_TMP/vh0.sock" "$EP_TMP/vh1.sock" -- \
	--queues 2 --announce --send 0:4000:02-00-00-00-00-02 --send 1:4000:02-00-00-00-00-01 \
	--rate 20000 --rx-time 1500)
echo "$out"
assert_eq "$(peer_from "$out" 1 0)" 4000 "vh0 -> vh1: every frame"
assert_eq "$(peer_from "$out" 0 1)" 4000 "vh1 -> vh0: every frame"
st=$(ctl --json port-stats vh0)
echo "$st"
assert_ge "$(ep_json "$st" "j['ports'][0]['queues'][0]['rx_packets']")" 1000 "vh0 rx queue 0 carried traffic"
assert_ge "$(ep_json "$st" "j['ports'][0]['queues'][1]['rx_packets']")" 1000 "vh0 rx queue 1 carried traffic"
assert_ge "$(ep_json "$st" "j['ports'][0]['queues'][0]['tx_packets']")" 1 "vh0 tx queue 0 used"
assert_ge "$(ep_json "$st" "j['ports'][0]['queues'][1]['tx_packets']")" 1 "vh0 tx queue 1 used"
assert_ge "$(ep_json "$out" "j['ports'][0]['rxq'][1]")" 1 "the peer received on its second queue"
sleep 0.5
assert_eq "$(mbufs_in_use)" "$base" "mbufs back to baseline"
