#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The sample VNF in a real QEMU guest: the VNF image flavour
# (scripts/guest-image --with-vnf) boots with ep.role=vnf, binds its two
# virtio-net NICs to uio_pci_generic and runs ep-vnf-fwd (l3 + firewall) on
# them: ep-peer port 0 -- br0 -- guest NIC 0 | ep-vnf-fwd | guest NIC 1 --
# br1 -- ep-peer port 1. The peer resolves the VNF by ARP; IPv4 flows cross
# it both ways with TTL - 1 and valid checksums; a denied flow does not
# cross and is counted. TCG loses some frames: >= 70% must arrive.
. "$(dirname "$0")/lib.sh"
. "$EP_ROOT/scripts/lib/guest.sh"

N=${EP_GUEST_FRAMES:-1000}
D=100
why=$(ep_guest_check) || { echo "$why"; exit 77; }
[ -x "$EP_BUILD/vnf/apps/fwd/ep-vnf-fwd" ] || fail "not built: ep-vnf-fwd"
# The VNF flavour has its own image directory (and KVM-probe cache).
EP_GUEST_DIR=${EP_GUEST_VNF_DIR:-/var/cache/edgeplane/guest-vnf}
"$EP_ROOT/scripts/guest-image" --quiet --with-vnf "$EP_BUILD" --out "$EP_GUEST_DIR" >/dev/null ||
	fail "VNF guest image build failed"
EP_GUEST_KERNEL=$EP_GUEST_DIR/vmlinux
[ -f "$EP_GUEST_KERNEL" ] || EP_GUEST_KERNEL=$EP_GUEST_DIR/vmlinuz
EP_GUEST_INITRD=$EP_GUEST_DIR/initrd.cpio
EP_GUEST_MEM=${EP_GUEST_VNF_MEM:-512}	# 256 MiB of it hugepages: rte_lpm alone takes 64

GMAC0=$EP_GUEST_MAC_BASE:01 GMAC1=$EP_GUEST_MAC_BASE:02
config='{"mode":"l3","ports":[{"ip":"10.0.0.1/24"},{"ip":"10.1.0.1/24"}],
"routes":[{"prefix":"10.1.0.0/24","port":1,"next_hop_mac":"02:00:00:00:00:02"},
{"prefix":"10.0.0.0/24","port":0,"next_hop_mac":"02:00:00:00:00:01"}],
"firewall":{"default":"allow","rules":[{"name":"no-discard","action":"deny","proto":"udp","dst_port":9}]}}'

ep_vswitchd_start vsd
ctl add-br br0
ctl add-br br1
ctl add-port br0 vm0 type=vhost-user path="$EP_TMP/vm0.sock"
ctl add-port br1 vm1 type=vhost-user path="$EP_TMP/vm1.sock"
ctl add-port br0 p0 type=vhost-user path="$EP_TMP/p0.sock"
ctl add-port br1 p1 type=vhost-user path="$EP_TMP/p1.sock"

ep_guest_start g1 "$EP_TMP/vm0.sock" "$EP_TMP/vm1.sock" -- ep.role=vnf ep.vnf_stats=2 \
	ep.vnf_config_b64="$(echo "$config" | base64 -w0)"
ready=$(ep_guest_wait g1 "EP-READY" 90) || fail "guest did not boot"
echo "$ready"
echo "$ready" | grep -q "nics=2 " || fail "guest: expected 2 NICs bound to uio_pci_generic"
vnf=$(ep_guest_wait g1 '"ready":true' 60) || fail "ep-vnf-fwd did not start in the guest"
echo "$vnf"
echo "ok: VNF forwarding $(ep_guest_elapsed g1)s after QEMU start"
echo "$vnf" | grep -qi "\"$GMAC0\",\"$GMAC1\"" || fail "VNF ports are not the guest NICs"
ep_wait_ports_up 20 vm0 vm1

to0=${GMAC0//:/-} to1=${GMAC1//:/-}
out=$(ep_peer peer "$EP_TMP/p0.sock" "$EP_TMP/p1.sock" -- --arp 0:10.0.0.2:10.0.0.1 \
	--send 0:"$N":"$to0" --ip 10.0.0.2,10.1.0.2,udp,1000,2000 \
	--send 0:"$D":"$to0" --ip 10.0.0.2,10.1.0.2,udp,1000,9 \
	--send 1:"$N":"$to1" --ip 10.1.0.2,10.0.0.2,tcp,3000,443 \
	--rate 2000 --rx-time 3000)
echo "$out"
assert_eq "$(peer_stat "$out" 0 arp_reply_mac | tr A-F a-f)" "$GMAC0" "ARP: the VNF answers for 10.0.0.1"
got01=$(peer_from "$out" 1 0)
got10=$(peer_from "$out" 0 1)
assert_ge "$got01" 1 "port 0 -> guest VNF -> port 1 arrived"
assert_ge "$got10" 1 "port 1 -> guest VNF -> port 0 arrived"
assert_ge "$((got01 * 100))" "$((N * 70))" "port 0 -> guest VNF -> port 1: $got01 of $N (x100)"
assert_ge "$((got10 * 100))" "$((N * 70))" "port 1 -> guest VNF -> port 0: $got10 of $N (x100)"
assert_le "$got01" "$N" "denied frames did not cross"
assert_eq "$(ep_json "$out" "list(j['ports'][1]['rx_ttl'].keys())")" "['63']" "TTL 64 -> 63"
assert_eq "$(ep_json "$out" "list(j['ports'][0]['rx_ttl'].keys())")" "['63']" "TTL 64 -> 63 back"
for p in 0 1; do
	assert_eq "$(peer_stat "$out" $p rx_ip_bad_csum)" 0 "port $p: IPv4 checksums valid"
	assert_eq "$(peer_stat "$out" $p rx_bad)" 0 "port $p: payloads intact"
done

# Let one periodic counters line (every 2 s) follow the traffic, then
# SIGTERM through the command channel: ep-vnf-fwd prints its final counters
# and exits 0.
sleep 2.5
echo "stopping ep-vnf-fwd through the guest's command channel"
ep_guest_exec g1 10 'kill -TERM $(cat /run/vnf.pid)' || fail "guest command channel"
echo "waiting for its exit"
ep_guest_wait g1 "EP-VNF-EXIT" 30 >/dev/null || fail "ep-vnf-fwd did not exit"
assert_eq "$(ep_guest_wait g1 "EP-VNF-EXIT" 1)" "EP-VNF-EXIT: 0" "ep-vnf-fwd exit status"
# The guest copies the VNF's output to the console with `tail -f` (polling
# once a second), which may still be behind when init reports the exit.
ep_guest_wait g1 '"final":true' 5 >/dev/null || true
final=$(tr -d '\r' <"$EP_TMP/g1.console.log" | grep -o '{"mode".*"final":true}' | tail -1)
if [ -z "$final" ]; then
	# Not copied in time: the periodic counters after the traffic hold the
	# same totals.
	final=$(tr -d '\r' <"$EP_TMP/g1.console.log" | grep -o '{"mode".*"final":false}' | tail -1)
	echo "note: no final counters line on the console; using the last periodic one"
fi
[ -n "$final" ] || fail "no counters on the console"
echo "guest VNF final: $final"
deny=$(ep_json "$final" "j['ports'][0]['drops']['fw_deny']")
assert_ge "$deny" 1 "VNF fw_deny"
assert_le "$deny" "$D" "VNF fw_deny"
assert_eq "$(ep_json "$final" "j['firewall']['rules'][0]['hits']")" "$deny" "rule no-discard hits"
assert_eq "$(ep_json "$final" "j['ports'][0]['arp_replies']")" 1 "VNF ARP replies"
assert_ge "$(ep_json "$final" "j['ports'][1]['tx']")" "$got01" "VNF port 1 tx"
echo "VNF drops: port 0 $(ep_json "$final" "j['ports'][0]['drops']") rx_missed $(ep_json "$final" "j['ports'][0]['rx_missed']"); port 1 $(ep_json "$final" "j['ports'][1]['drops']") rx_missed $(ep_json "$final" "j['ports'][1]['rx_missed']")"
ep_guest_stop g1
