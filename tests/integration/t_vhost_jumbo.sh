#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Jumbo frames over vhost-user: with mtu=9000 on both ports, 9000-byte
# payloads (9014-byte frames, chained mbufs) cross the switch intact (every
# byte checked by the peer); a 9001-byte payload is dropped and counted as
# oversize, never truncated; a 1500-MTU port gets no jumbo frame.
. "$(dirname "$0")/lib.sh"

ep_vswitchd_start vsd
ctl add-br br0
ctl add-port br0 vh0 type=vhost-user path="$EP_TMP/vh0.sock" mtu=9000
ctl add-port br0 vh1 type=vhost-user path="$EP_TMP/vh1.sock" mtu=9000
ctl add-port br0 vh2 type=vhost-user path="$EP_TMP/vh2.sock"
base=$(mbufs_in_use)

out=$(ep_peer peer "$EP_TMP/vh0.sock" "$EP_TMP/vh1.sock" "$EP_TMP/vh2.sock" -- --announce \
	--send 0:200:02-00-00-00-00-02:none:9014 --send 0:30:02-00-00-00-00-02:none:9015 \
	--send 1:100:bcast:none:9014 --send 1:50:02-00-00-00-00-01:10:9018 \
	--rate 20000 --rx-time 1000)
echo "$out"
assert_eq "$(peer_from "$out" 1 0)" 200 "200 jumbo frames vh0 -> vh1"
assert_eq "$(ep_json "$out" "j['ports'][1]['rx_bytes']")" $((200 * 9014)) "...every byte of them"
assert_eq "$(peer_stat "$out" 1 rx_bad)" 0 "...with intact payloads"
assert_eq "$(port_stat vh0 drops.oversize)" 30 "9001-byte payloads dropped and counted on ingress"
assert_eq "$(peer_from "$out" 0 1)" 150 "jumbo broadcast and tagged jumbo reach vh0"
assert_eq "$(peer_stat "$out" 0 rx_bad)" 0 "...intact"
assert_eq "$(ep_json "$out" "j['ports'][0]['rx_vlan'].get('10', 0)")" 50 "...the tagged ones still tagged"
assert_eq "$(peer_from "$out" 2 1)" 0 "the 1500-MTU port got no jumbo frame"
# (the tagged frames flood too: their destination is known only in VLAN 0)
assert_eq "$(port_stat vh2 drops.oversize)" 150 "...and counted them as oversize"
sleep 0.5
assert_eq "$(mbufs_in_use)" "$base" "chained mbufs all freed"
