#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Port security, policing, mirrors and meters on real traffic:
#  - port_security drops (and counts) frames whose source MAC is not allowed
#    (the IP, ARP and ND checks are covered by tests/unit/vswitch);
#  - ingress policing and a flow meter cut a burst far above their rate;
#  - a mirror copies one port's received frames to a third port;
#  - all of it survives a restart (db); bad settings are refused and change
#    nothing; deleting a mirror's output port deletes the mirror.
. "$(dirname "$0")/lib.sh"

ep_vswitchd_start vsd
ctl add-br br0
for i in 0 1 2; do
	ctl add-port br0 vh$i type=vhost-user path="$EP_TMP/vh$i.sock"
done
socks=("$EP_TMP/vh0.sock" "$EP_TMP/vh1.sock" "$EP_TMP/vh2.sock")
drop() { port_stat "$1" "drops.$2"; }

# 1. MAC anti-spoofing: vh0 may only send as 02:00:00:00:00:55.
ctl set-port vh0 port_security=true allowed_macs=02:00:00:00:00:55
out=$(ep_peer p1 "${socks[@]}" -- --send 0:200:bcast --rate 20000 --rx-time 500)
assert_eq "$(peer_from "$out" 1 0)" 0 "frames from a MAC not allowed are dropped"
assert_eq "$(drop vh0 spoof_mac)" 200 "...and counted as spoof_mac"
ctl set-port vh0 allowed_macs=02:00:00:00:00:01,02:00:00:00:00:55
out=$(ep_peer p2 "${socks[@]}" -- --send 0:200:bcast --rate 20000 --rx-time 500)
assert_eq "$(peer_from "$out" 1 0)" 200 "once its MAC is allowed, they pass"
ctl set-port vh0 port_security=false

# 2. Ingress policing: 1 Mbit/s (125 kB/s), burst 80 kbit (10 kB) on vh1.
ctl set-port vh1 ingress_policing_rate=1000 ingress_policing_burst=80
out=$(ep_peer p3 "${socks[@]}" -- --send 1:4000:02-00-00-00-00-01:none:1000 --rate 8000 --rx-time 500)
got=$(peer_from "$out" 0 1)
echo "policed: $got of 4000 1000-byte frames passed"
# 0.5 s at 125 kB/s plus 10 kB of burst is ~72 frames; allow generous slack.
assert_ge "$got" 20 "some traffic passes the policer"
assert_le "$got" 400 "a 8 MB/s burst is cut near 125 kB/s"
assert_eq "$(drop vh1 policed)" $((4000 - got)) "the rest counted as policed"
ctl set-port vh1 ingress_policing_rate=0

# 3. Mirror: what vh0 receives is copied to vh2.
ctl add-mirror br0 m0 output=vh2 select_src=vh0
ctl list-mirrors br0
out=$(ep_peer p4 "${socks[@]}" -- --announce --send 0:300:02-00-00-00-00-02 --rate 20000 --rx-time 500)
assert_eq "$(peer_from "$out" 1 0)" 300 "the frames reach their destination"
assert_eq "$(peer_from "$out" 2 0)" 300 "...and a copy of each reaches the mirror port"

# 4. A flow meter.
ctl add-meter br0 id=1 rate=1000 burst=80
ctl add-flow br0 "priority=10,in_port=vh1,actions=meter:1,output:vh0"
ctl add-flow br0 "priority=0,actions=normal"
out=$(ep_peer p5 "${socks[@]}" -- --send 1:4000:bcast:none:1000 --rate 8000 --rx-time 500)
got=$(peer_from "$out" 0 1)
echo "metered: $got of 4000 1000-byte frames passed"
assert_ge "$got" 20 "some traffic passes the meter"
assert_le "$got" 400 "the meter cuts the burst"

# 5. Restart: all of it comes back.
before=$(ctl --json call mirror.list '{"bridge":"br0"}'; ctl --json call meter.list '{"bridge":"br0"}')
ep_stop "$EP_VSD_PID"
ep_vswitchd_start vsd2
after=$(ctl --json call mirror.list '{"bridge":"br0"}'; ctl --json call meter.list '{"bridge":"br0"}')
assert_eq "$after" "$before" "mirrors and meters restored"
assert_eq "$(ep_json "$(ctl --json dump-flows br0)" "len(j['flows'])")" 2 "the metered flow restored"

# 6. Bad input changes nothing.
for bad in "add-mirror br0 m1 output=nosuch select_src=vh0" "add-mirror br0 m1 output=vh2 select_src=vh2" \
	"add-mirror br0 m1 output=vh2" "add-meter br0 id=300 rate=5" "add-meter br0 id=2 rate=0" \
	"set-port vh1 port_security=true" "set-port vh0 allowed_ips=10.0.0.1/33" \
	"set-port vh0 allowed_macs=01:00:00:00:00:01"; do
	# shellcheck disable=SC2086
	if ctl $bad 2>"$EP_TMP/err"; then fail "accepted: $bad"; fi
	echo "ok: refused '$bad': $(cat "$EP_TMP/err")"
done
assert_eq "$(ctl --json call mirror.list '{"bridge":"br0"}'; ctl --json call meter.list '{"bridge":"br0"}')" "$before" \
	"nothing changed by the refused commands"
ctl del-port vh2
assert_eq "$(ep_json "$(ctl --json call mirror.list '{"bridge":"br0"}')" "len(j['mirrors'])")" 0 \
	"deleting the mirror's output port deletes the mirror"
