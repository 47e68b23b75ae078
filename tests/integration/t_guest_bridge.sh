#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A real QEMU guest with two NICs bridges them in its kernel (ep.role=bridge),
# like a bump-in-the-wire VNF: ep-peer port 0 -- br0 -- guest eth0 | Linux
# bridge | guest eth1 -- br1 -- ep-peer port 1. Frames cross the guest both
# ways with intact payloads; TCG loses some at guest TX, so >= 70% must arrive.
. "$(dirname "$0")/lib.sh"
. "$EP_ROOT/scripts/lib/guest.sh"

N=${EP_GUEST_FRAMES:-1000}
why=$(ep_guest_check) || { echo "$why"; exit 77; }
ep_guest_image || fail "guest image build failed"

ep_vswitchd_start vsd
ctl add-br br0
ctl add-br br1
ctl add-port br0 vm0 type=vhost-user path="$EP_TMP/vm0.sock"
ctl add-port br1 vm1 type=vhost-user path="$EP_TMP/vm1.sock"
ctl add-port br0 p0 type=vhost-user path="$EP_TMP/p0.sock"
ctl add-port br1 p1 type=vhost-user path="$EP_TMP/p1.sock"

ep_guest_start g1 "$EP_TMP/vm0.sock" "$EP_TMP/vm1.sock" -- ep.role=bridge
ready=$(ep_guest_wait g1 "EP-READY" 90) || fail "guest did not boot"
echo "$ready"
echo "ok: two-NIC bridge guest ready in $(ep_guest_elapsed g1)s"
echo "$ready" | grep -q "nics=2 .*carrier=1 .*carrier=1" || fail "guest NICs without carrier"
ep_wait_ports_up 10 vm0 vm1

out=$(ep_peer peer "$EP_TMP/p0.sock" "$EP_TMP/p1.sock" -- --announce \
	--send 0:"$N":02-00-00-00-00-02 --send 1:"$N":02-00-00-00-00-01 --rate 2000 --rx-time 3000)
echo "$out"
got01=$(peer_from "$out" 1 0)
got10=$(peer_from "$out" 0 1)
assert_ge "$((got01 * 100))" "$((N * 70))" "port 0 -> guest bridge -> port 1: $got01 of $N (x100)"
assert_ge "$((got10 * 100))" "$((N * 70))" "port 1 -> guest bridge -> port 0: $got10 of $N (x100)"
assert_eq "$(peer_stat "$out" 0 rx_bad)" 0 "port 0: no corrupt frames"
assert_eq "$(peer_stat "$out" 1 rx_bad)" 0 "port 1: no corrupt frames"
# the guest forwarded them: the switch saw them leave and re-enter via the guest
assert_ge "$(port_stat vm1 rx_packets)" "$got01" "vm1 rx (guest -> br1)"
assert_ge "$(port_stat vm0 rx_packets)" "$got10" "vm0 rx (guest -> br0)"
# and the guest's own counters agree (read through the guest command channel)
gs=$(ep_guest_exec g1 10 "cat /sys/class/net/eth0/statistics/rx_packets /sys/class/net/eth1/statistics/tx_packets") ||
	fail "guest command channel"
assert_ge "$(echo "$gs" | sed -n 1p)" "$got01" "guest eth0 rx_packets"
assert_ge "$(echo "$gs" | sed -n 2p)" "$got01" "guest eth1 tx_packets"
ep_guest_stop g1
