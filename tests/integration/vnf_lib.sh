# SPDX-License-Identifier: BSD-3-Clause
# Shared by the agent's VNF tests (t_vnf_e2e, t_vnf_migrate): one "host" is a
# private libvirtd, a vswitchd with br0 and the peer's ports p0 (access VLAN 10)
# and p1 (access VLAN 20), and an agent with CPU 1 as the switch's PMD core (the
# VNF gets CPU 0). Source after lib.sh; it sources guest.sh, libvirt.sh and agent.sh
# and, unless a prerequisite is missing (exit 77), builds the guest image and sets
# the EXIT trap (libvirtd instances, then ep_cleanup).
#
#   host_up [HOST [HOST_UUID]]  start HOST's libvirtd, switch and agent (HOST_UUID: libvirtd's,
#                               for a migration between two), and make it the current host
#   on [HOST]                   make HOST the current host: what api, lvsh, ctl, books,
#                               wait_console and traffic talk to
#   start_agent                 (re)start the current host's agent; sets AGENT_PID
#
# HOST is a directory name under $EP_TMP (none: $EP_TMP itself, one host) holding
# run/ (switch and agent sockets), state/ (the agent's), p0.sock, p1.sock and
# agent.json; its libvirtd's directory is $EP_TMP/lv[-HOST], its logs are
# $EP_TMP/{agent,vsd,libvirtd-lv}[-HOST].log.

. "$EP_ROOT/scripts/lib/guest.sh"
. "$EP_ROOT/scripts/lib/libvirt.sh"
. "$EP_ROOT/scripts/lib/agent.sh"

[ -x "$EP_AGENT" ] || fail "not built: $EP_AGENT"
why=$(ep_libvirtd_check) || { echo "$why"; exit 77; }
why=$(ep_guest_check) || { echo "$why"; exit 77; }
ep_guest_image || fail "guest image build failed"
trap 'rc=$?; ep_libvirtd_cleanup; [ $rc -ne 0 ] && [ $rc -ne 77 ] && ep_dump_logs; ep_cleanup; exit $rc' EXIT

# on [HOST]: sets HOST, H (its directory), LV (its libvirtd's), STATE, and the sockets
# of its daemons.
on() {
	HOST=${1:-}
	H=$EP_TMP${HOST:+/$HOST}
	STATE=$H/state
	EP_VSD_RUNDIR=$H/run
	EP_AGENT_SOCK=$H/run/agent.sock
	LV=$EP_TMP/lv${HOST:+-$HOST}
	EP_LV_URI="qemu:///system?socket=$LV/sock/libvirt-sock"
}

api() { ep_agent_api "$@"; }
lvsh() { ep_lvsh "$@"; }

start_agent() {
	EP_AGENT_LOG=$EP_TMP/agent${HOST:+-$HOST}.log ep_agent_start "$EP_AGENT_SOCK" \
		--config "$H/agent.json" --state-dir "$STATE" --vswitchd-socket "$H/run/vswitchd.sock" \
		--libvirt-uri "$EP_LV_URI" || fail "agent${HOST:+ $HOST} did not start"
	AGENT_PID=$EP_AGENT_PID
}

host_up() {
	on "${1:-}"
	ep_libvirtd_start "$LV" ${2:+"$2"} || fail "private libvirtd${HOST:+ $HOST} did not start"
	echo "ok: private libvirtd${HOST:+ $HOST} (pid $EP_LV_PID) on $LV/sock"
	ep_vswitchd_start "vsd${HOST:+-$HOST}" || fail "vswitchd${HOST:+ $HOST} did not start"
	ctl add-br br0
	ctl add-port br0 p0 type=vhost-user path="$H/p0.sock" vlan_mode=access tag=10
	ctl add-port br0 p1 type=vhost-user path="$H/p1.sock" vlan_mode=access tag=20
	# on the real host: CPU 1 is the switch's PMD, CPU 0 goes to the VNF
	echo '{"pmd_cpus": "1", "unix_socket_auth": false, "vf_backend": "fake", "accel": "auto"}' \
		>"$H/agent.json"
	start_agent
}

# the books: allocated CPUs and 2M pages on node 0, the switch's ports, libvirt's domains
books() {
	api GET /v1/inventory
	echo "cpus=$(ep_json "$BODY" "j['nodes'][0]['cpus']['allocated']")" \
		"pages=$(ep_json "$BODY" "j['nodes'][0]['hugepages']['2M']['allocated']")" \
		"ports=$(ctl --json list-ports | python3 -c 'import json,sys; print(sorted(p["name"] for p in json.load(sys.stdin)["ports"]))' | tr -d ' ')" \
		"domains=$(lvsh list --all --name | tr '\n' ',')"
}

vnf() { # vnf NAME: the descriptor of a two-NIC bridge guest on VLANs 10 and 20
	cat <<JSON
{"name": "$1", "vcpus": 1, "memory_mb": 256, "hw:mem_page_size": "2MB",
 "nics": [{"type": "vhost-user", "bridge": "br0", "vlan": 10},
          {"type": "vhost-user", "bridge": "br0", "vlan": 20}],
 "image": {"kernel": "$EP_GUEST_KERNEL", "initrd": "$EP_GUEST_INITRD",
           "cmdline": "console=ttyS0 panic=-1 loglevel=4 ep.role=bridge"}}
JSON
}

wait_console() { # wait_console NAME ERE TIMEOUT
	local f=$STATE/console/$1.log i line
	for ((i = 0; i < $3 * 10; i++)); do
		line=$(tr -d '\r' <"$f" 2>/dev/null | grep -m1 -E "$2" || true)
		[ -n "$line" ] && { echo "$line"; return 0; }
		sleep 0.1
	done
	echo "timeout: $1 did not print /$2/ in $3 s" >&2
	tail -5 "$f" >&2 || true
	return 1
}

now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$2"; }

traffic() { # traffic N: both ways through the guest on the current host, asserts >= 70%
	local n=$1 out got01 got10
	out=$(ep_peer peer "$H/p0.sock" "$H/p1.sock" -- --announce \
		--send 0:"$n":02-00-00-00-00-02 --send 1:"$n":02-00-00-00-00-01 --rate 2000 --rx-time 3000)
	got01=$(peer_from "$out" 1 0)
	got10=$(peer_from "$out" 0 1)
	echo "traffic${HOST:+ on $HOST}: p0 -> VLAN 10 -> guest -> VLAN 20 -> p1: $got01 of $n" \
		"($((got01 * 100 / n))%); p1 -> p0: $got10 of $n ($((got10 * 100 / n))%)"
	assert_ge "$((got01 * 100))" "$((n * 70))" "p0 -> guest -> p1 (x100)"
	assert_ge "$((got10 * 100))" "$((n * 70))" "p1 -> guest -> p0 (x100)"
	assert_eq "$(peer_stat "$out" 0 rx_bad)$(peer_stat "$out" 1 rx_bad)" 00 "no corrupt frames"
	GOT01=$got01
}
