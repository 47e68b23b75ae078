#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Connect/disconnect storm: a virtio-user peer stops and restarts its device
# 100 times (each a destroy_device/new_device on the switch) while another
# pair of ports carries traffic; then peers are killed with SIGKILL in the
# middle of traffic. No crash, no frame lost on the untouched path, and the
# mempool in-use count returns to its baseline.
. "$(dirname "$0")/lib.sh"

ep_vswitchd_start vsd
ctl add-br br0
for i in 0 1 2; do
	ctl add-port br0 vh$i type=vhost-user path="$EP_TMP/vh$i.sock"
done
base=$(mbufs_in_use)

out=$(ep_peer peer "$EP_TMP/vh0.sock" "$EP_TMP/vh1.sock" "$EP_TMP/vh2.sock" -- \
	--announce --storm 2:100 --send 0:30000:02-00-00-00-00-02 --send 2:3000:bcast \
	--rate 10000 --rx-time 1000)
echo "$out"
grep storm "$EP_TMP/peer.err" || true
# The peer re-attaches its port in the same thread that drains its rings, so
# its rx ring may fill for a moment: the switch then counts tx_full. Every
# frame must have reached the switch and left it, or been refused that way.
assert_eq "$(port_stat vh0 rx_packets)" 30001 "vh0: every frame reached the switch during the storm"
full=$(port_stat vh1 drops.tx_full)
assert_eq "$(ep_json "$(ctl --json port-stats vh1)" "sum(v for k, v in j['ports'][0]['drops'].items() if k != 'tx_full')")" 0 \
	"vh1: no drop but a full receiver ring"
assert_eq "$(peer_from "$out" 1 0)" $((30000 - full)) "every frame sent on vh1 arrived (ring full: $full)"
assert_ge "$(port_stat vh2 connects)" 100 "vh2 went through 100 device cycles"
assert_eq "$(peer_stat "$out" 1 rx_bad)" 0 "no corrupt frame"
kill -0 "$EP_VSD_PID" || fail "vswitchd died"

# Peers killed with SIGKILL in the middle of traffic, five times.
for i in 1 2 3 4 5; do
	ep_prefix "kill$i"
	"$EP_PEER" --no-pci --file-prefix "$EP_PREFIX" -m 128 --single-file-segments -l 0 \
		--log-level='*:warning' \
		--vdev "net_virtio_user1,path=$EP_TMP/vh0.sock,mac=02:00:00:00:00:01" \
		--vdev "net_virtio_user2,path=$EP_TMP/vh1.sock,mac=02:00:00:00:00:02" \
		-- --duration 10 --send 0:0:02-00-00-00-00-02 --send 1:0:bcast \
		>/dev/null 2>&1 &
	pid=$!
	EP_PIDS+=("$pid")
	sleep 1.5
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null || true
done
ep_wait_vswitchd "$EP_VSD_PID" "$EP_TMP/run" 5 || fail "vswitchd gone after the kills"
echo "ok: vswitchd alive after 5 peers killed mid-traffic"
sleep 1
assert_eq "$(ep_json "$(ctl --json list-ports br0)" "[p['state'] for p in j['ports']]")" \
	"['down', 'down', 'down']" "every device released"
assert_eq "$(mbufs_in_use)" "$base" "mbufs in use back to baseline"

# And the ports still work.
out=$(ep_peer after "$EP_TMP/vh0.sock" "$EP_TMP/vh1.sock" -- --announce \
	--send 0:1000:02-00-00-00-00-02 --rate 20000 --rx-time 500)
assert_eq "$(peer_from "$out" 1 0)" 1000 "traffic after the storm"
