#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# edgeplane-ctl's agent commands against a running edgeplane-agent on a fake
# two-node host: inventory, vnf-create/list/show/delete, the token, and errors
# (bad name, unknown VNF, bad token, agent not running) as one-line failures.
. "$(dirname "$0")/lib.sh"

EP_AGENT=$EP_BUILD/nfvi-agent/edgeplane-agent
[ -x "$EP_AGENT" ] || fail "not built: $EP_AGENT"
ROOT=$EP_TMP/root
SOCK=$EP_TMP/run/agent.sock
python3 "$EP_ROOT/tests/unit/nfvi/mk-sysfs.py" "$ROOT" --nodes 2 --cores 4 --smt 2 \
	--hp2m 512 --pf ens1f0:0:4 >/dev/null
echo "ctl-test-token-0123456789" >"$EP_TMP/token"
echo '{"host_cpus": "0,8", "vf_backend": "fake", "vm_backend": "none"}' >"$EP_TMP/agent.json"
ep_spawn "$EP_TMP/agent.log" "$EP_AGENT" --config "$EP_TMP/agent.json" --sysfs-root "$ROOT" \
	--state-dir "$EP_TMP/state" --listen "unix:$SOCK" --token-file "$EP_TMP/token"
for i in $(seq 1 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
actl() { "$EP_CTL" --rundir "$EP_TMP/run" --token-file "$EP_TMP/token" "$@"; }

inv=$(actl --json inventory)
assert_eq "$(ep_json "$inv" "len(j['nodes'])")" 2 "inventory shows two NUMA nodes"
actl inventory | tee "$EP_TMP/inv.txt"
grep -q "^0 " "$EP_TMP/inv.txt" || fail "no table row for node 0"
avail0=$(ep_json "$inv" "j['nodes'][0]['cpus']['available']")

cat >"$EP_TMP/fw1.json" <<'JSON'
{"name": "fw1", "vcpus": 2, "memory_mb": 256, "hw:numa_nodes": 1,
 "nics": [{"type": "sriov-vf", "pf": "ens1f0", "vlan": 20}], "image": {"kernel": "/boot/vmlinux"}}
JSON
actl vnf-create "$EP_TMP/fw1.json" >/dev/null
actl vnf-list | tee "$EP_TMP/list.txt"
grep -q "^fw1 " "$EP_TMP/list.txt" || fail "fw1 not listed"
assert_eq "$(ep_json "$(actl --json vnf-show fw1)" "j['placement']['node']")" 0 "fw1 placed on node 0 (its VF's PF)"
assert_eq "$(ep_json "$(actl --json inventory)" "j['nodes'][0]['cpus']['available']")" $((avail0 - 2)) \
	"two dedicated CPUs taken"

expect_ctl_fail() {
	local want=$1 rc=$2; shift 2
	local got=0
	"$@" >/dev/null 2>"$EP_TMP/err" || got=$?
	assert_eq "$got" "$rc" "exit status of: ${*:2}"
	[ "$(wc -l <"$EP_TMP/err")" -eq 1 ] || fail "more than one error line: $(cat "$EP_TMP/err")"
	grep -q "$want" "$EP_TMP/err" || fail "'$(cat "$EP_TMP/err")' lacks '$want'"
}
expect_ctl_fail "already exists\|exists" 1 actl vnf-create "$EP_TMP/fw1.json"
expect_ctl_fail "invalid VNF name" 2 actl vnf-show 'FW_1'
expect_ctl_fail "HTTP 404" 1 actl vnf-show nosuch
expect_ctl_fail "expected 1 argument" 2 actl vnf-show
echo "wrong-token-0123456789" >"$EP_TMP/bad"
expect_ctl_fail "HTTP 401" 1 "$EP_CTL" --rundir "$EP_TMP/run" --token-file "$EP_TMP/bad" vnf-list
expect_ctl_fail "cannot connect" 1 "$EP_CTL" --agent "$EP_TMP/none.sock" vnf-list

actl vnf-delete fw1
assert_eq "$(ep_json "$(actl --json vnf-list)" "len(j['vnfs'])")" 0 "fw1 deleted"
assert_eq "$(ep_json "$(actl --json inventory)" "j['nodes'][0]['cpus']['available']")" "$avail0" \
	"its CPUs came back"
