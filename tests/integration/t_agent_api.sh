#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# edgeplane-agent REST API on a fake sysfs tree (2 NUMA nodes x 4 cores, SMT 2,
# 2M and 1G pages, two PFs with VFs) and the fake VF backend: every endpoint,
# every error class (400 malformed/invalid, 401, 404, 405, 409 exists and
# insufficient resources, 413, 501), that refused requests change nothing
# (inventory and journal identical before and after), VF calls on create and
# delete, and that the capacity view adds up. Also a TCP listener on
# 127.0.0.1 and the unix socket without a token when the config allows it.
. "$(dirname "$0")/lib.sh"

EP_AGENT=$EP_BUILD/nfvi-agent/edgeplane-agent
[ -x "$EP_AGENT" ] || fail "not built: $EP_AGENT"
command -v curl >/dev/null || { echo "curl missing"; exit 77; }

ROOT=$EP_TMP/root
STATE=$EP_TMP/state
SOCK=$EP_TMP/run/agent.sock
TOKEN=agent-test-token-0123456789
python3 "$EP_ROOT/tests/unit/nfvi/mk-sysfs.py" "$ROOT" --nodes 2 --cores 4 --smt 2 \
	--hp2m 512 --hp1g 4 --pf ens1f0:0:4 --pf ens2f0:1:2
echo "$TOKEN" >"$EP_TMP/token"
chmod 600 "$EP_TMP/token"
cat >"$EP_TMP/agent.json" <<JSON
{"host_cpus": "0,8", "pmd_cpus": "1,9", "reserved_hugepages": {"0": {"2M": 128}}, "vm_backend": "none",
 "vf_backend": "fake"}
JSON

start_agent() {
	ep_spawn "$EP_TMP/agent.log" "$EP_AGENT" --config "$EP_TMP/agent.json" --sysfs-root "$ROOT" \
		--state-dir "$STATE" --listen "unix:$SOCK" --token-file "$EP_TMP/token" "$@"
	AGENT_PID=$EP_LAST_PID
	local i
	for ((i = 0; i < 100; i++)); do
		curl -s -o /dev/null --max-time 1 --unix-socket "$SOCK" http://agent/metrics && return 0
		kill -0 "$AGENT_PID" 2>/dev/null || fail "agent exited: $(cat "$EP_TMP/agent.log")"
		sleep 0.1
	done
	fail "agent did not answer on $SOCK"
}

# api METHOD PATH [BODY]: sets CODE and BODY (the response).
api() {
	local args=(-s --max-time 10 --unix-socket "$SOCK" -H "Authorization: Bearer $TOKEN"
		-X "$1" -o "$EP_TMP/resp" -w '%{http_code}')
	[ $# -ge 3 ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
	CODE=$(curl "${args[@]}" "http://agent$2")
	BODY=$(cat "$EP_TMP/resp")
}

# expect_err STATUS CODE METHOD PATH [BODY]: the call fails with STATUS and
# error code CODE, and inventory and journal are unchanged.
expect_err() {
	local status=$1 ecode=$2; shift 2
	local inv0 j0
	api GET /v1/inventory; inv0=$BODY
	j0=$(sha256sum <"$STATE/journal")
	api "$@"
	cp "$EP_TMP/resp" "$EP_TMP/err_resp"
	assert_eq "$CODE" "$status" "$1 $2 status"
	assert_eq "$(ep_json "$BODY" "j['error']['code']")" "$ecode" "$1 $2 error code"
	[ -n "$(ep_json "$BODY" "j['error']['message']")" ] || fail "$1 $2: empty message"
	api GET /v1/inventory
	[ "$BODY" = "$inv0" ] || fail "$1 $2 changed the inventory"
	[ "$(sha256sum <"$STATE/journal")" = "$j0" ] || fail "$1 $2 changed the journal"
}

# adds_up: for every node, total = reserved + allocated + available (CPUs, VFs).
adds_up() {
	api GET /v1/inventory
	assert_eq "$(ep_json "$BODY" "all(n[r]['total'] == n[r]['reserved'] + n[r]['allocated'] +
		n[r]['available'] for n in j['nodes'] for r in ('cpus', 'vfs'))")" True "capacity adds up"
}

start_agent

# --- inventory
api GET /v1/inventory
assert_eq "$CODE" 200 "GET /v1/inventory"
assert_eq "$(ep_json "$BODY" "len(j['nodes'])")" 2 "nodes"
assert_eq "$(ep_json "$BODY" "j['smt']")" True "smt"
assert_eq "$(ep_json "$BODY" "j['nodes'][0]['cpus']['reserved_list']")" "0-1,8-9" \
	"host and PMD cores reserved whole"
assert_eq "$(ep_json "$BODY" "j['nodes'][0]['hugepages']['2M']['available']")" 384 \
	"2M available on node 0 (512 - 128 reserved)"
assert_eq "$(ep_json "$BODY" "[p['name'] for p in j['pfs']]")" "['ens1f0', 'ens2f0']" "PFs"
assert_eq "$(ep_json "$BODY" "j['pfs'][0]['vfs'][1]['pci']")" "0000:3b:02.1" "VF address"
adds_up

# --- auth
CODE=$(curl -s -o "$EP_TMP/resp" -w '%{http_code}' --unix-socket "$SOCK" http://agent/v1/vnfs)
assert_eq "$CODE" 401 "no token"
assert_eq "$(ep_json "$(cat "$EP_TMP/resp")" "j['error']['code']")" unauthorized "401 code"
CODE=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$SOCK" \
	-H "Authorization: Bearer wrong-token-xxxxxxxxxx" http://agent/v1/vnfs)
assert_eq "$CODE" 401 "bad token"
CODE=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$SOCK" \
	-H "Authorization: Basic $TOKEN" http://agent/metrics)
assert_eq "$CODE" 401 "wrong scheme"

# --- create
FW1='{"name":"fw1","vcpus":3,"memory_mb":512,"hw:mem_page_size":"2MB",
 "nics":[{"type":"vhost-user","bridge":"br0","vlan":10},
  {"type":"sriov-vf","pf":"ens1f0","vlan":20,"mac":"02:AA:bb:cc:dd:ee","trust":true,"max_rate_mbps":1000}],
 "image":{"kernel":"/img/vmlinuz","initrd":"/img/initrd","cmdline":"console=ttyS0"}}'
api POST /v1/vnfs "$FW1"
assert_eq "$CODE" 201 "POST fw1"
assert_eq "$(ep_json "$BODY" "j['state']")" allocated "fw1 state"
assert_eq "$(ep_json "$BODY" "j['placement']['node']")" 0 "fw1 on the PF's node"
assert_eq "$(ep_json "$BODY" "j['placement']['cpus']")" "2-3,10-11" "fw1 whole cores"
assert_eq "$(ep_json "$BODY" "j['placement']['vcpu_pins']")" "[2, 10, 3]" "fw1 prefer packs siblings"
assert_eq "$(ep_json "$BODY" "j['placement']['pages']")" 256 "fw1 2M pages"
assert_eq "$(ep_json "$BODY" "j['placement']['vfs'][0]['pci']")" "0000:3b:02.0" "fw1 VF"
assert_eq "$(ep_json "$BODY" "j['descriptor']['nics'][1]['mac']")" "02:aa:bb:cc:dd:ee" "MAC normalized"
assert_eq "$(sed -n 1p "$STATE/vf-fake.log")" \
	"configure ens1f0 vf 0 mac 02:aa:bb:cc:dd:ee vlan 20 spoofchk on trust on rate 1000" "VF configured"
assert_eq "$(sed -n 2p "$STATE/vf-fake.log")" "bind 0000:3b:02.0 vfio-pci" "VF bound to vfio-pci"
adds_up
api GET /v1/inventory
assert_eq "$(ep_json "$BODY" "j['nodes'][0]['cpus']['available']")" 0 "node 0 CPUs used up"
assert_eq "$(ep_json "$BODY" "j['nodes'][0]['hugepages']['2M']['allocated']")" 256 "2M allocated"
assert_eq "$(ep_json "$BODY" "j['nodes'][0]['vfs']['allocated']")" 1 "VF allocated"

FW2='{"name":"fw2","vcpus":2,"memory_mb":2048,"hw:cpu_thread_policy":"isolate",
 "hw:emulator_threads_policy":"isolate","image":{"disk":"/var/lib/images/fw.qcow2"}}'
api POST /v1/vnfs "$FW2"
assert_eq "$CODE" 201 "POST fw2 (isolate)"
assert_eq "$(ep_json "$BODY" "j['placement']['node']")" 1 "fw2 goes to node 1"
assert_eq "$(ep_json "$BODY" "j['placement']['vcpu_pins']")" "[4, 5]" "isolate: one vCPU per core"
assert_eq "$(ep_json "$BODY" "j['placement']['emulator_cpus']")" "6,14" "emulator core"
assert_eq "$(ep_json "$BODY" "j['placement']['page_size']")" "1G" "large picks 1G"
api GET /v1/vnfs
assert_eq "$CODE" 200 "GET /v1/vnfs"
assert_eq "$(ep_json "$BODY" "[v['name'] for v in j['vnfs']]")" "['fw1', 'fw2']" "list"
api GET /v1/vnfs/fw2
assert_eq "$CODE" 200 "GET /v1/vnfs/fw2"
assert_eq "$(ep_json "$BODY" "j['descriptor']['hw:mem_page_size']")" large "defaults filled"

# --- errors (none changes anything)
expect_err 409 exists POST /v1/vnfs "$FW1"
expect_err 409 insufficient_resources POST /v1/vnfs \
	'{"name":"big","vcpus":8,"memory_mb":1024,"image":{"disk":"/a"}}'
grep -q 'node 1: 1 free cores hold 2 of 8 vCPUs' "$EP_TMP/err_resp" ||
	fail "refusal names the shortage: $(cat "$EP_TMP/err_resp")"
expect_err 409 insufficient_resources POST /v1/vnfs \
	'{"name":"vf5","vcpus":1,"memory_mb":64,"hw:cpu_policy":"shared","hw:mem_page_size":"small","nics":[{"type":"sriov-vf","pf":"ens2f0"},{"type":"sriov-vf","pf":"ens2f0"},{"type":"sriov-vf","pf":"ens2f0"}],"image":{"disk":"/a"}}'
grep -q 'no free VF on ens2f0' "$EP_TMP/err_resp" ||
	fail "VF shortage named: $(cat "$EP_TMP/err_resp")"
expect_err 400 malformed POST /v1/vnfs '{"name":'
expect_err 400 malformed POST /v1/vnfs ''
expect_err 400 invalid POST /v1/vnfs '[1]'
expect_err 400 invalid POST /v1/vnfs '{"name":"x","vcpus":1,"memory_mb":64,"image":{"disk":"/a"},"extra":1}'
expect_err 400 invalid POST /v1/vnfs '{"name":"Bad_Name","vcpus":1,"memory_mb":64,"image":{"disk":"/a"}}'
expect_err 400 invalid POST /v1/vnfs "{\"name\":\"$(printf 'a%.0s' {1..64})\",\"vcpus\":1,\"memory_mb\":64,\"image\":{\"disk\":\"/a\"}}"
expect_err 400 invalid POST /v1/vnfs '{"name":"x","vcpus":0,"memory_mb":64,"image":{"disk":"/a"}}'
expect_err 400 invalid POST /v1/vnfs '{"name":"x","vcpus":1,"memory_mb":"64","image":{"disk":"/a"}}'
expect_err 400 invalid POST /v1/vnfs '{"name":"x","vcpus":1,"memory_mb":100,"hw:mem_page_size":"1GB","image":{"disk":"/a"}}'
expect_err 400 invalid POST /v1/vnfs '{"name":"x","vcpus":1,"memory_mb":64,"hw:numa_nodes":2,"image":{"disk":"/a"}}'
expect_err 400 invalid POST /v1/vnfs '{"name":"x","vcpus":1,"memory_mb":64,"hw:cpu_policy":"pinned","image":{"disk":"/a"}}'
expect_err 400 invalid POST /v1/vnfs '{"name":"x","vcpus":1,"memory_mb":64,"image":{"disk":"relative.qcow2"}}'
expect_err 400 invalid POST /v1/vnfs '{"name":"x","vcpus":1,"memory_mb":64,"image":{"disk":"/a","kernel":"/k"}}'
expect_err 400 invalid POST /v1/vnfs '{"name":"x","vcpus":1,"memory_mb":64,"nics":[{"type":"sriov-vf","pf":"nope0"}],"image":{"disk":"/a"}}'
expect_err 400 invalid POST /v1/vnfs '{"name":"x","vcpus":1,"memory_mb":64,"nics":[{"type":"vhost-user","bridge":"br0","vlan":4095}],"image":{"disk":"/a"}}'
expect_err 400 invalid POST /v1/vnfs '{"name":"x","vcpus":1,"memory_mb":64,"nics":[{"type":"sriov-vf","pf":"ens1f0","mac":"01:00:5e:00:00:01"}],"image":{"disk":"/a"}}'
expect_err 400 invalid POST /v1/vnfs '{"name":"x","vcpus":1,"memory_mb":64,"nics":[{"type":"vhost-user","bridge":"br0","pf":"ens1f0"}],"image":{"disk":"/a"}}'
expect_err 400 invalid POST /v1/vnfs '{"name":"x","vcpus":1,"memory_mb":64,"nics":[{"type":"sriov-vf","pf":"ens1f0"},{"type":"sriov-vf","pf":"ens2f0"}],"image":{"disk":"/a"}}'
expect_err 400 malformed POST /v1/vnfs '{"name":"x","name":"y"}'
expect_err 413 too_large POST /v1/vnfs "{\"name\":\"$(head -c 70000 /dev/zero | tr '\0' a)\"}"
expect_err 404 not_found GET /v1/vnfs/nope
expect_err 404 not_found DELETE /v1/vnfs/nope
expect_err 404 not_found GET /v1/nothing
expect_err 404 not_found GET /v1/vnfs/fw1/other
expect_err 400 invalid GET /v1/vnfs/UPPER
expect_err 405 method_not_allowed PUT /v1/vnfs/fw1 '{}'
expect_err 405 method_not_allowed DELETE /v1/vnfs
expect_err 405 method_not_allowed POST /v1/inventory '{}'
expect_err 405 method_not_allowed POST /metrics '{}'
expect_err 501 not_implemented POST /v1/vnfs/fw1/actions '{"action":"start"}'
expect_err 501 not_implemented POST /v1/vnfs/fw1/actions '{"action":"migrate"}'
expect_err 400 invalid POST /v1/vnfs/fw1/actions '{"action":"reboot"}'
expect_err 400 invalid POST /v1/vnfs/fw1/actions '{"action":"start","force":true}'
expect_err 400 malformed POST /v1/vnfs/fw1/actions 'start'
expect_err 404 not_found POST /v1/vnfs/nope/actions '{"action":"start"}'
curl -s -o /dev/null -D "$EP_TMP/hdr" --unix-socket "$SOCK" -H "Authorization: Bearer $TOKEN" \
	-X PUT http://agent/v1/vnfs/fw1
grep -qi '^Allow: GET, DELETE' "$EP_TMP/hdr" || fail "405 without Allow header"

# --- metrics
api GET /metrics
assert_eq "$CODE" 200 "GET /metrics"
grep -q '^edgeplane_agent_vnfs{state="allocated"} 2$' "$EP_TMP/resp" || fail "metrics: vnfs"
grep -q '^edgeplane_agent_cpus{node="1",kind="allocated"} 6$' "$EP_TMP/resp" || fail "metrics: cpus"
grep -q '^edgeplane_agent_vnf_operations_total{op="create",result="insufficient"} 2$' \
	"$EP_TMP/resp" || fail "metrics: refusals"
grep -q '^edgeplane_agent_http_responses_total{code="413"} 1$' "$EP_TMP/resp" || fail "metrics: 413"
echo "ok: metrics"

# --- restart keeps allocations
ep_stop "$AGENT_PID"
start_agent
api GET /v1/vnfs
assert_eq "$(ep_json "$BODY" "[v['name'] for v in j['vnfs']]")" "['fw1', 'fw2']" "VNFs survive a restart"

# --- delete
api DELETE /v1/vnfs/fw1
assert_eq "$CODE" 204 "DELETE fw1"
assert_eq "$(tail -2 "$STATE/vf-fake.log" | head -1)" "bind 0000:3b:02.0 -" "VF unbound"
assert_eq "$(tail -1 "$STATE/vf-fake.log")" \
	"configure ens1f0 vf 0 mac 00:00:00:00:00:00 vlan 0 spoofchk on trust off rate 0" "VF reset"
api DELETE /v1/vnfs/fw2
assert_eq "$CODE" 204 "DELETE fw2"
api GET /v1/inventory
assert_eq "$(ep_json "$BODY" "sum(n['cpus']['allocated'] + n['vfs']['allocated'] +
	n['hugepages']['2M']['allocated'] + n['hugepages']['1G']['allocated'] for n in j['nodes'])")" 0 \
	"everything released"
adds_up
ep_stop "$AGENT_PID"

# --- unix socket without token (config), TCP always with
cat >"$EP_TMP/agent.json" <<JSON
{"unix_socket_auth": false, "vf_backend": "fake"}
JSON
ep_spawn "$EP_TMP/agent2.log" "$EP_AGENT" --config "$EP_TMP/agent.json" --sysfs-root "$ROOT" \
	--state-dir "$STATE" --listen "unix:$SOCK"
AGENT_PID=$EP_LAST_PID
ep_wait_socket "$SOCK" 10
sleep 0.2
CODE=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$SOCK" http://agent/v1/vnfs)
assert_eq "$CODE" 200 "unix socket without token when unix_socket_auth is false"
ep_stop "$AGENT_PID"

if "$EP_AGENT" --config "$EP_TMP/agent.json" --sysfs-root "$ROOT" --state-dir "$STATE" \
	--listen tcp:127.0.0.1:0 2>"$EP_TMP/tcp.err"; then
	fail "TCP without a token started"
fi
grep -q 'TCP listener needs --token-file' "$EP_TMP/tcp.err" || fail "TCP refusal: $(cat "$EP_TMP/tcp.err")"
echo "ok: TCP needs a token"
PORT=$((20000 + $$ % 20000))
ep_spawn "$EP_TMP/agent3.log" "$EP_AGENT" --config "$EP_TMP/agent.json" --sysfs-root "$ROOT" \
	--state-dir "$STATE" --listen "tcp:127.0.0.1:$PORT" --token-file "$EP_TMP/token"
AGENT_PID=$EP_LAST_PID
for ((i = 0; i < 50; i++)); do
	curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/metrics" && break
	sleep 0.1
done
CODE=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/v1/vnfs")
assert_eq "$CODE" 401 "TCP without token"
CODE=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
	"http://127.0.0.1:$PORT/v1/vnfs")
assert_eq "$CODE" 200 "TCP with token"
ep_stop "$AGENT_PID"
echo "PASS"
