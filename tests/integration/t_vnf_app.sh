#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# ep-vnf-fwd (vnf/apps/fwd) on the host, between two bridges of a real
# vswitchd: ep-peer port 0 -- br0 -- VNF port 0 | ep-vnf-fwd | VNF port 1 --
# br1 -- ep-peer port 1, every hop vhost-user (the VNF's ports are
# net_virtio_user, as a guest's virtio-net would be).
#   l3: IPv4 flows both ways arrive with TTL - 1 and a valid header checksum;
#       firewall-denied, unroutable and TTL-expired frames do not arrive and
#       are counted by reason and by rule; the VNF answers ARP for its address.
#   l2: the cross-connect carries frames both ways; the firewall still applies.
# Each VNF run ends with SIGTERM: exit 0 and a final JSON counters line.
. "$(dirname "$0")/lib.sh"

VNF=$EP_BUILD/vnf/apps/fwd/ep-vnf-fwd
[ -x "$VNF" ] || { echo "not built: $VNF"; exit 1; }
N=${EP_VNF_FRAMES:-2000}	# allowed frames each way
D=50 H=30 R=40 T=20		# denied (udp/9), denied (bad host), no route, ttl 1
VMAC0=02:00:00:00:01:01 VMAC1=02:00:00:00:01:02

# vnf_start NAME CONFIG-JSON: ep-vnf-fwd on v0.sock/v1.sock; waits for "ready".
vnf_start() {
	local name=$1 i
	echo "$2" >"$EP_TMP/$name.json"
	ep_prefix "$name"
	ep_spawn "$EP_TMP/$name.log" "$VNF" --no-pci --file-prefix "$EP_PREFIX" -m 256 \
		--single-file-segments -l 0 --log-level='*:notice' \
		--vdev "net_virtio_user0,path=$EP_TMP/v0.sock,mac=$VMAC0,queue_size=1024" \
		--vdev "net_virtio_user1,path=$EP_TMP/v1.sock,mac=$VMAC1,queue_size=1024" \
		-- --config "$EP_TMP/$name.json" --stats-interval 1 --idle-us 20
	VNF_PID=$EP_LAST_PID
	for ((i = 0; i < 200; i++)); do
		grep -q '"ready":true' "$EP_TMP/$name.log" && return 0
		kill -0 "$VNF_PID" 2>/dev/null || fail "ep-vnf-fwd $name exited: $(tail -3 "$EP_TMP/$name.log")"
		sleep 0.1
	done
	fail "ep-vnf-fwd $name not ready after 20 s"
}

# vnf_stop NAME: SIGTERM; exit status 0; sets VNF_FINAL to the final counters.
vnf_stop() {
	local name=$1 rc=0 i
	kill -TERM "$VNF_PID"
	for ((i = 0; i < 100; i++)); do
		kill -0 "$VNF_PID" 2>/dev/null || break
		sleep 0.1
	done
	wait "$VNF_PID" || rc=$?
	assert_eq "$rc" 0 "$name: exit status after SIGTERM"
	VNF_FINAL=$(grep '"final":true' "$EP_TMP/$name.log" | tail -1)
	[ -n "$VNF_FINAL" ] || fail "$name: no final counters"
	echo "$name final: $VNF_FINAL"
}
vnf_json() { ep_json "$VNF_FINAL" "$1"; }

ep_vswitchd_start vsd
ctl add-br br0
ctl add-br br1
ctl add-port br0 p0 type=vhost-user path="$EP_TMP/p0.sock"
ctl add-port br0 v0 type=vhost-user path="$EP_TMP/v0.sock"
ctl add-port br1 v1 type=vhost-user path="$EP_TMP/v1.sock"
ctl add-port br1 p1 type=vhost-user path="$EP_TMP/p1.sock"

# ---- l3 + firewall
vnf_start vnf-l3 '{
  "mode": "l3",
  "ports": [ { "ip": "10.0.0.1/24" }, { "ip": "10.1.0.1/24" } ],
  "routes": [
    { "prefix": "10.1.0.0/24", "port": 1, "next_hop_mac": "02:00:00:00:00:02" },
    { "prefix": "10.0.0.0/24", "port": 0, "next_hop_mac": "02:00:00:00:00:01" } ],
  "firewall": { "default": "allow", "rules": [
    { "name": "no-discard", "action": "deny", "proto": "udp", "dst_port": 9 },
    { "name": "no-bad-host", "action": "deny", "src": "10.0.0.66/32" } ] }
}'
ep_wait_ports_up 10 v0 v1
to0=${VMAC0//:/-} to1=${VMAC1//:/-}
t0=$(date +%s.%N)
out=$(ep_peer peer-l3 "$EP_TMP/p0.sock" "$EP_TMP/p1.sock" -- --arp 0:10.0.0.2:10.0.0.1 \
	--send 0:"$N":"$to0" --ip 10.0.0.2,10.1.0.2,udp,1000,2000 \
	--send 0:"$D":"$to0" --ip 10.0.0.2,10.1.0.2,udp,1000,9 \
	--send 0:"$H":"$to0" --ip 10.0.0.66,10.1.0.2,tcp,1000,80 \
	--send 0:"$R":"$to0" --ip 10.0.0.2,10.9.0.1,udp,1,2 \
	--send 0:"$T":"$to0" --ip 10.0.0.2,10.1.0.2,udp,1,2,1 \
	--send 1:"$N":"$to1" --ip 10.1.0.2,10.0.0.2,tcp,3000,443,100 \
	--rate 5000 --rx-time 2000)
echo "$out"
echo "peer run: $(python3 -c "import time; print('%.1f' % (time.time() - $t0))") s"
assert_eq "$(peer_stat "$out" 0 rx_arp_replies)" 1 "ARP reply for 10.0.0.1"
assert_eq "$(peer_stat "$out" 0 arp_reply_mac)" "$VMAC0" "ARP reply MAC"
assert_eq "$(peer_from "$out" 1 0)" "$N" "port 0 -> VNF -> port 1: allowed frames only"
assert_eq "$(peer_from "$out" 0 1)" "$N" "port 1 -> VNF -> port 0"
assert_eq "$(ep_json "$out" "j['ports'][1]['rx_ttl']")" "{'63': $N}" "TTL 64 -> 63"
assert_eq "$(ep_json "$out" "j['ports'][0]['rx_ttl']")" "{'99': $N}" "TTL 100 -> 99"
for p in 0 1; do
	assert_eq "$(peer_stat "$out" $p rx_ip_bad_csum)" 0 "port $p: IPv4 checksums valid"
	assert_eq "$(peer_stat "$out" $p rx_bad)" 0 "port $p: payloads intact"
done
vnf_stop vnf-l3
assert_eq "$(vnf_json "j['ports'][0]['drops']['fw_deny']")" $((D + H)) "VNF port 0 fw_deny"
assert_eq "$(vnf_json "j['ports'][0]['drops']['no_route']")" "$R" "VNF port 0 no_route"
assert_eq "$(vnf_json "j['ports'][0]['drops']['ttl']")" "$T" "VNF port 0 ttl"
assert_eq "$(vnf_json "j['ports'][0]['drops']['malformed']")" 0 "VNF port 0 malformed"
assert_eq "$(vnf_json "j['ports'][1]['drops']['tx_full']")" 0 "VNF port 1 tx_full"
assert_eq "$(vnf_json "j['firewall']['rules'][0]['hits']")" "$D" "rule no-discard hits"
assert_eq "$(vnf_json "j['firewall']['rules'][1]['hits']")" "$H" "rule no-bad-host hits"
assert_eq "$(vnf_json "j['ports'][0]['arp_replies']")" 1 "VNF ARP replies"
assert_eq "$(vnf_json "j['ports'][1]['tx']")" "$N" "VNF port 1 tx"
assert_ge "$(vnf_json "j['ports'][0]['rx']")" $((N + D + H + R + T + 1)) "VNF port 0 rx"
assert_ge "$(grep -c '"final":false' "$EP_TMP/vnf-l3.log")" 1 "periodic counters lines"

# ---- l2 cross-connect, MAC rewrite towards the peers, firewall
vnf_start vnf-l2 '{
  "mode": "l2",
  "ports": [ { "rewrite": { "src": "port", "dst": "02:00:00:00:00:01" } },
             { "rewrite": { "src": "port", "dst": "02:00:00:00:00:02" } } ],
  "firewall": { "rules": [ { "action": "deny", "proto": "udp", "dst_port": 9 } ] }
}'
ep_wait_ports_up 10 v0 v1
out=$(ep_peer peer-l2 "$EP_TMP/p0.sock" "$EP_TMP/p1.sock" -- \
	--send 0:"$N":bcast --send 1:"$N":bcast \
	--send 0:"$D":bcast --ip 10.0.0.2,10.1.0.2,udp,1000,9 \
	--rate 5000 --rx-time 2000)
echo "$out"
assert_eq "$(peer_from "$out" 1 0)" "$N" "l2: port 0 -> VNF -> port 1"
assert_eq "$(peer_from "$out" 0 1)" "$N" "l2: port 1 -> VNF -> port 0"
assert_eq "$(peer_stat "$out" 1 rx_bad)" 0 "l2: payloads intact"
vnf_stop vnf-l2
assert_eq "$(vnf_json "j['ports'][0]['drops']['fw_deny']")" "$D" "l2: fw_deny"
assert_eq "$(vnf_json "j['ports'][1]['tx']")" "$N" "l2: VNF port 1 tx"

# ---- a bad config is refused with the key at fault, exit status 2
echo '{"mode":"l3","ports":[{"ip":"10.0.0.1/24"}],"routes":[{"prefix":"10.0.0.0/33","port":0,"next_hop_mac":"02:00:00:00:00:01"}]}' >"$EP_TMP/bad.json"
ep_prefix vnf-bad
rc=0
msg=$("$VNF" --no-pci --no-huge --no-shconf -m 64 --file-prefix "$EP_PREFIX" -l 0 --log-level='*:error' \
	--vdev net_null0 -- --config "$EP_TMP/bad.json" 2>&1) || rc=$?
echo "$msg"
assert_eq "$rc" 2 "bad config: exit status"
echo "$msg" | grep -q "routes\[0\].prefix: bad prefix '10.0.0.0/33'" || fail "bad config: message"
echo "ok: bad config refused with its path"
