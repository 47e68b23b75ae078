#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# VLANs on the L2 bridge: access ports tag and untag, a trunk carries only its
# allowed VLANs tagged, frames that violate a port's VLAN mode are dropped and
# counted as vlan_violation; native-untagged mixes both.
. "$(dirname "$0")/lib.sh"

ep_vswitchd_start vsd
ctl add-br br0
ctl add-port br0 vh0 type=vhost-user path="$EP_TMP/vh0.sock" vlan_mode=access tag=10
ctl add-port br0 vh1 type=vhost-user path="$EP_TMP/vh1.sock" tag=20
ctl add-port br0 vh2 type=vhost-user path="$EP_TMP/vh2.sock" vlan_mode=trunk trunks=10,20
ctl add-port br0 vh3 type=vhost-user path="$EP_TMP/vh3.sock" vlan_mode=native-untagged tag=10 trunks=10,20
ctl show

out=$(ep_peer peer "$EP_TMP/vh0.sock" "$EP_TMP/vh1.sock" "$EP_TMP/vh2.sock" "$EP_TMP/vh3.sock" -- \
	--send 0:100:bcast --send 2:50:bcast:20 --send 2:40:bcast:30 --send 0:30:bcast:10 \
	--send 3:20:bcast:20 --rate 50000 --rx-time 1000)
echo "$out"
# vh0 (access 10) -> trunk vh2 tagged 10, native vh3 untagged; not vh1 (VLAN 20)
assert_eq "$(peer_from "$out" 2 0)" 100 "trunk got access-10 frames"
assert_eq "$(ep_json "$out" "j['ports'][2]['rx_vlan'].get('10', 0)")" 100 "...tagged with VLAN 10"
assert_eq "$(peer_from "$out" 3 0)" 100 "native-untagged port got VLAN 10"
assert_eq "$(ep_json "$out" "j['ports'][3]['rx_untagged']")" 100 "...untagged (its native VLAN)"
assert_eq "$(peer_from "$out" 1 0)" 0 "access-20 port got nothing of VLAN 10"
# trunk VLAN 20 -> access 20 untagged, native vh3 tagged 20
assert_eq "$(peer_from "$out" 1 2)" 50 "access-20 got trunk VLAN 20"
assert_eq "$(ep_json "$out" "j['ports'][1]['rx_tagged']")" 0 "...untagged"
assert_eq "$(ep_json "$out" "j['ports'][3]['rx_vlan'].get('20', 0)")" 50 "native port got the trunk's VLAN 20 tagged"
assert_eq "$(peer_from "$out" 0 2)" 0 "access-10 got nothing of VLAN 20"
# vh3 tagged 20 -> vh1 untagged, vh2 tagged 20
assert_eq "$(peer_from "$out" 1 3)" 20 "access-20 got native port's VLAN 20"
assert_eq "$(peer_from "$out" 2 3)" 20 "trunk got native port's VLAN 20"
# violations: VLAN 30 on the trunk, tagged frames on an access port
assert_eq "$(port_stat vh2 drops.vlan_violation)" 40 "trunk: VLAN 30 dropped and counted"
assert_eq "$(port_stat vh0 drops.vlan_violation)" 30 "access: tagged frames dropped and counted"
assert_eq "$(peer_from "$out" 3 2)" 50 "native port: 50 of VLAN 20 from the trunk, none of VLAN 30"

# changing a port's VLAN at run time: vh1 becomes access 10
ctl set-port vh1 tag=10
out=$(ep_peer peer2 "$EP_TMP/vh0.sock" "$EP_TMP/vh1.sock" "$EP_TMP/vh2.sock" "$EP_TMP/vh3.sock" -- \
	--send 0:25:bcast --rate 50000 --rx-time 500)
assert_eq "$(peer_from "$out" 1 0)" 25 "after set-port tag=10, vh1 is in VLAN 10"
