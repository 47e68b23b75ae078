#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# dpdk ports on net_af_packet: two network namespaces, each with a veth pair
# whose outer end is a switch port. The kernels' ARP and ICMP cross br0:
# ping works both ways, with the switch's counters and FDB to show for it.
. "$(dirname "$0")/lib.sh"

command -v ip >/dev/null || { echo "no iproute2"; exit 77; }
id=$$
for s in a b; do
	ns="ep$s$id"
	ip netns add "$ns"
	EP_NETNS+=("$ns")
	ip link add "ep$s$id" type veth peer name "ep$s${id}p"
	ip link set "ep$s${id}p" netns "$ns"
	ip link set "ep$s$id" up
	ip -n "$ns" link set lo up
	ip -n "$ns" link set "ep$s${id}p" up
done
ip -n "epa$id" addr add 10.200.0.1/24 dev "epa${id}p"
ip -n "epb$id" addr add 10.200.0.2/24 dev "epb${id}p"

ep_vswitchd_start vsd
ctl add-br br0
ctl add-port br0 pa type=dpdk devargs="net_af_packet0,iface=epa$id"
ctl add-port br0 pb type=dpdk devargs="net_af_packet1,iface=epb$id"
ctl show

# link state is polled twice a second
for i in $(seq 1 50); do
	[ "$(ep_json "$(ctl --json list-ports br0)" "all(p['state']=='up' for p in j['ports'])")" = True ] && break
	sleep 0.1
done

ip netns exec "epa$id" ping -c 5 -i 0.2 -W 2 10.200.0.2
ip netns exec "epb$id" ping -c 3 -i 0.2 -W 2 10.200.0.1

assert_ge "$(port_stat pa rx_packets)" 8 "pa received the pings and ARP"
assert_ge "$(port_stat pb tx_packets)" 8 "pb sent them on"
assert_eq "$(port_stat pa drops.tx_full)" 0 "no tx drops"

macb=$(ip -n "epb$id" -j link show "epb${id}p" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')
fdb=$(ctl --json fdb-show br0)
assert_eq "$(ep_json "$fdb" "[e['port'] for e in j['entries'] if e['mac']=='$macb'][0]")" pb \
	"namespace b's MAC learned on pb"

# deleting a port stops the traffic, and the same devargs can be added again
ctl del-port pb
if ip netns exec "epa$id" ping -c 2 -i 0.2 -W 1 10.200.0.2 >/dev/null 2>&1; then
	fail "ping went through with pb deleted"
fi
echo "ok: no ping without pb"
ctl add-port br0 pb type=dpdk devargs="net_af_packet1,iface=epb$id"
sleep 1
ip netns exec "epa$id" ping -c 3 -i 0.2 -W 2 10.200.0.2
echo "ok: ping back after re-adding pb"
