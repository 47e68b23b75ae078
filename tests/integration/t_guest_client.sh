#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The recommended mode (OVS's): QEMU owns the vhost-user socket (server=on) and
# the switch port is type=vhost-user-client. A real guest pings a testpmd
# icmpecho peer (virtio-user server=1, also a client port of the switch)
# continuously while vswitchd is restarted (SIGTERM, kill -9, ...) with the
# same rundir and db: after each restart the pings resume with nothing done
# in the guest or in QEMU. Prints the restart-to-traffic time it measured.
. "$(dirname "$0")/lib.sh"
. "$EP_ROOT/scripts/lib/guest.sh"

RESTARTS=${EP_GUEST_RESTARTS:-5}
why=$(ep_guest_check) || { echo "$why"; exit 77; }
ep_guest_image || fail "guest image build failed"

# The client ports exist before either server: QEMU (server=on) and testpmd
# (server=1) block their start-up until the switch connects; rte_vhost
# retries every second.
ep_vswitchd_start vsd
ctl add-br br0
ctl add-port br0 vm0 type=vhost-user-client path="$EP_TMP/vm0.sock"
ctl add-port br0 tp0 type=vhost-user-client path="$EP_TMP/tp0.sock"
EP_TESTPMD_VDEV_EXTRA=",server=1" ep_testpmd tp "$EP_TMP/tp0.sock" -- \
	--forward-mode=icmpecho --stats-period 1
ep_wait_ports_up 20 tp0

ep_guest_start g1 "server:$EP_TMP/vm0.sock" -- \
	ep.role=ping ep.ip=10.0.0.2/24 ep.peer=10.0.0.1 ep.count=0 ep.interval=0.2
ready=$(ep_guest_wait g1 "EP-READY" 90) || fail "guest did not boot"
echo "$ready"
echo "ok: guest booted to EP-READY in $(ep_guest_elapsed g1)s"
ep_wait_ports_up 10 vm0
REPLY_RE="bytes from 10\.0\.0\.1"

# wait_replies N TIMEOUT: until the guest console shows more than N echo replies
wait_replies() {
	local n=$1 t=$2 i
	for ((i = 0; i < t * 20; i++)); do
		[ "$(ep_guest_count g1 "$REPLY_RE")" -gt "$n" ] && return 0
		kill -0 "$(ep_guest_pid g1)" 2>/dev/null || fail "QEMU exited"
		sleep 0.02
	done
	return 1
}
wait_replies 4 30 || fail "no echo replies in the guest before any restart"
echo "ok: guest receives echo replies ($(ep_guest_count g1 "$REPLY_RE") so far)"

now() { date +%s.%N; }
secs() { python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$2"; }
qemu_pid=$(ep_guest_pid g1)
times=() marks=()
for ((r = 1; r <= RESTARTS; r++)); do
	if [ $((r % 2)) = 0 ]; then sig=KILL; else sig=TERM; fi
	t_stop=$(now)
	kill -"$sig" "$EP_VSD_PID"
	wait "$EP_VSD_PID" 2>/dev/null || true
	[ "$sig" = KILL ] && rm -f "$EP_TMP/run/vswitchd.sock"
	# replies counted once the old switch is gone: a later one crossed the new one
	n=$(ep_guest_count g1 "$REPLY_RE")
	marks+=("$n")
	t_start=$(now)
	ep_vswitchd_start "vsd-$r" || fail "vswitchd did not restart ($r)"
	t_up=$(now)
	wait_replies "$n" 20 || fail "pings did not resume within 20 s of restart $r (SIG$sig)"
	t_traffic=$(now)
	# the new vswitchd's counters start at 0: it delivered the replies
	assert_ge "$(port_stat vm0 tx_packets)" 1 "restart $r: the new vswitchd forwards to the guest" >/dev/null
	kill -0 "$qemu_pid" 2>/dev/null || fail "QEMU died"
	rt=$(secs "$t_start" "$t_traffic")
	times+=("$rt")
	echo "ok: restart $r (SIG$sig): pings resume ${rt}s after vswitchd start" \
		"(control socket up in $(secs "$t_start" "$t_up")s, outage $(secs "$t_stop" "$t_traffic")s)"
done
# the guest was never touched: same QEMU, one boot, one ping process
assert_eq "$(ep_guest_count g1 "EP-INIT")" 1 "guest booted once"
assert_eq "$(ep_guest_count g1 "EP-READY")" 1 "guest ran its role once"
echo "restart-to-traffic (s): ${times[*]}; max $(printf '%s\n' "${times[@]}" | sort -n | tail -1)"
# The guest's own view: echo requests sent while the switch was down wait in
# the virtio TX ring and are answered once the new switch runs it, so the
# longest RTT just after a restart is the outage the guest saw.
tr -d '\r' <"$EP_TMP/g1.console.log" | python3 -c '
import re, sys
rtt = [float(m.group(1)) for m in re.finditer(r"bytes from 10\.0\.0\.1: seq=\d+ ttl=\d+ time=([0-9.]+) ms", sys.stdin.read())]
marks = [int(x) for x in sys.argv[1:]] + [len(rtt)]
print("guest-seen outage per restart (longest RTT after it, s): " +
      " ".join("%.2f" % (max(rtt[a:b] or [0]) / 1000) for a, b in zip(marks, marks[1:])))
' "${marks[@]}"

# the guest kept pinging across every restart
sent=$(ep_guest_count g1 "$REPLY_RE")
assert_ge "$sent" $((RESTARTS + 5)) "echo replies seen by the guest"
ctl port-stats vm0
