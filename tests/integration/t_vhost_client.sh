#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# vhost-user-client ports against a testpmd that owns the sockets (virtio-user
# in server mode, as QEMU with mode='server'): traffic flows both ways, and
# when vswitchd restarts (SIGTERM, then kill -9) it restores its ports from
# the db, reconnects, and traffic resumes with nothing done on the testpmd side.
. "$(dirname "$0")/lib.sh"

# The switch's client ports exist first and retry every second: virtio-user
# in server mode blocks its start-up until a client connects.
ep_vswitchd_start vsd
ctl add-br br0
ctl add-port br0 vc0 type=vhost-user-client path="$EP_TMP/c0.sock"
ctl add-port br0 vc1 type=vhost-user-client path="$EP_TMP/c1.sock"
assert_eq "$(port_stat vc0 state)" down "client port waits for its server"

EP_TESTPMD_VDEV_EXTRA=",server=1" ep_testpmd gen "$EP_TMP/c0.sock" "$EP_TMP/c1.sock" -- \
	--forward-mode=flowgen --eth-peer=0,02:00:00:00:00:02 --eth-peer=1,02:00:00:00:00:01 \
	--stats-period 1
ep_wait_ports_up 20 vc0 vc1
sleep 2
assert_ge "$(port_stat vc0 tx_packets)" 1000 "vc0 forwarded traffic to testpmd"
assert_ge "$(port_stat vc1 tx_packets)" 1000 "vc1 forwarded traffic to testpmd"

# wait_traffic PORT TIMEOUT: seconds until PORT transmits again, or fail
wait_traffic() {
	local start now
	start=$(date +%s.%N)
	for ((i = 0; i < $2 * 20; i++)); do
		if [ "$(port_stat "$1" tx_packets 2>/dev/null || echo 0)" -gt 100 ]; then
			now=$(date +%s.%N)
			python3 -c "print('%.2f' % ($now - $start))"
			return 0
		fi
		sleep 0.05
	done
	return 1
}

for sig in TERM KILL TERM; do
	ep_stop_sig() { kill -"$sig" "$EP_VSD_PID"; wait "$EP_VSD_PID" 2>/dev/null || true; }
	ep_stop_sig
	[ "$sig" = KILL ] && rm -f "$EP_TMP/run/vswitchd.sock"
	ep_vswitchd_start vsd-$sig
	t=$(wait_traffic vc1 20) || fail "no traffic 20 s after a restart (SIG$sig)"
	echo "ok: traffic resumed ${t}s after the restart (SIG$sig)"
	assert_ge "$(port_stat vc0 tx_packets)" 1 "vc0 forwards again"
done

ep_stop "$EP_TESTPMD_PID"
grep -E "RX-packets|TX-packets" "$EP_TMP/gen.log" | tail -4
