# SPDX-License-Identifier: BSD-3-Clause
# Shared shell helpers for edgeplane's scripts and integration tests.
# Source it; it defines functions only (plus EP_ROOT/EP_BUILD).
#
# Every DPDK process started here gets --no-pci, a unique --file-prefix and a
# small memory size; ep_cleanup stops only the PIDs recorded by ep_spawn and
# removes the hugepage and runtime files of the prefixes recorded by ep_prefix.

EP_ROOT=${EP_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
EP_BUILD=${EP_BUILD:-$EP_ROOT/build}
EP_VSWITCHD=$EP_BUILD/control/edgeplane-vswitchd
EP_CTL=$EP_BUILD/control/edgeplane-ctl
EP_PEER=$EP_BUILD/tests/tools/ep-peer

EP_PIDS=()
EP_PREFIXES=()
EP_NETNS=()
EP_TMP=""

ep_log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
ep_die() { echo "error: $*" >&2; exit 1; }

# ep_tmpdir NAME: a private scratch directory for this run.
ep_tmpdir() {
	EP_TMP=$(mktemp -d "/tmp/ep-$1.XXXXXX")
	mkdir -p "$EP_TMP/run"
}

# ep_prefix NAME: sets EP_PREFIX to a unique DPDK --file-prefix, remembered
# for cleanup (call it directly, not in $(...), or the memory is lost).
ep_prefix() {
	EP_PREFIX="ep$$-$1"
	EP_PREFIXES+=("$EP_PREFIX")
}

# ep_spawn LOGFILE CMD...: start CMD in the background, remember its PID.
ep_spawn() {
	local log=$1; shift
	"$@" >"$log" 2>&1 &
	EP_LAST_PID=$!
	EP_PIDS+=("$EP_LAST_PID")
}

# ep_stop PID [TIMEOUT]: SIGTERM, wait up to TIMEOUT s, then SIGKILL.
ep_stop() {
	local pid=$1 t=${2:-10} i
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < t * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || true
	return 0
}

# ep_forget PID: ep_stop PID and drop it from EP_PIDS, so that ep_cleanup
# never signals a PID that may since have been reused.
ep_forget() {
	local pid=$1 i keep=()
	[ -n "$pid" ] || return 0
	ep_stop "$pid" 10
	for i in "${EP_PIDS[@]}"; do
		[ "$i" = "$pid" ] || keep+=("$i")
	done
	EP_PIDS=("${keep[@]}")
}

# ep_rm_prefix PREFIX: remove a stopped DPDK process's hugepage and runtime files.
ep_rm_prefix() {
	[ -n "$1" ] || return 0
	rm -rf /dev/hugepages/"$1"* /var/run/dpdk/"$1" 2>/dev/null || true
}

ep_cleanup() {
	local pid p ns
	for ((i = ${#EP_PIDS[@]} - 1; i >= 0; i--)); do
		ep_stop "${EP_PIDS[$i]}" 5
	done
	EP_PIDS=()
	for ns in "${EP_NETNS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	EP_NETNS=()
	for p in "${EP_PREFIXES[@]}"; do
		ep_rm_prefix "$p"
	done
	if [ -n "$EP_TMP" ] && [ -d "$EP_TMP" ] && [ -z "${EP_KEEP_TMP:-}" ]; then
		rm -rf "$EP_TMP"
	fi
}

# ep_hugepages N: make sure N free 2 MiB hugepages are reserved and mounted.
ep_hugepages() {
	local want=$1 total free
	if ! mountpoint -q /dev/hugepages; then
		mkdir -p /dev/hugepages
		mount -t hugetlbfs nodev /dev/hugepages || ep_die "cannot mount hugetlbfs"
	fi
	total=$(cat /proc/sys/vm/nr_hugepages)
	free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
	if [ "$free" -lt "$want" ]; then
		echo $((total + want - free)) >/proc/sys/vm/nr_hugepages
		free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
		[ "$free" -ge "$want" ] || ep_die "only $free free hugepages, $want wanted"
	fi
}

# ep_vswitchd_start NAME [EXTRA EAL ARGS...]: start a vswitchd on lcores 0 (control)
# and 1 (PMD) (or $EP_VSD_LCORES, e.g. "--lcores 0@0,1@1,2@0") with its rundir
# $EP_TMP/run and db $EP_TMP/vswitchd.json (or rundir $EP_VSD_RUNDIR and the db
# next to it, for a second switch) plus vswitchd options in $EP_VSD_OPTS; waits
# until it answers. ctl and ep_wait_ports_up follow EP_VSD_RUNDIR too.
ep_vswitchd_start() {
	local name=$1 rundir=${EP_VSD_RUNDIR:-$EP_TMP/run}; shift
	mkdir -p "$rundir"
	ep_prefix "$name"
	EP_VSD_PREFIX=$EP_PREFIX
	ep_spawn "$EP_TMP/$name.log" "$EP_VSWITCHD" --no-pci --file-prefix "$EP_PREFIX" -m 256 \
		${EP_VSD_LCORES:--l 0,1} --log-level=user.nfv.*:info "$@" -- \
		--rundir "$rundir" --db "${rundir%/*}/vswitchd.json" ${EP_VSD_OPTS:-}
	EP_VSD_PID=$EP_LAST_PID
	ep_wait_vswitchd "$EP_VSD_PID" "$rundir" 30 || {
		cat "$EP_TMP/$name.log" >&2
		return 1
	}
}

# ep_wait_vswitchd PID RUNDIR TIMEOUT: wait until the daemon answers on its
# socket (a stale socket file from a killed one does not count); fails early
# if the process exits.
ep_wait_vswitchd() {
	local pid=$1 rundir=$2 t=$3 i
	for ((i = 0; i < t * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || { echo "vswitchd exited" >&2; return 1; }
		"$EP_CTL" --rundir "$rundir" --timeout 1 version >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "timeout waiting for vswitchd on $rundir" >&2
	return 1
}

# ep_wait_socket PATH TIMEOUT: wait until PATH is a socket.
ep_wait_socket() {
	local path=$1 t=$2 i
	for ((i = 0; i < t * 10; i++)); do
		[ -S "$path" ] && return 0
		sleep 0.1
	done
	echo "timeout waiting for $path" >&2
	return 1
}

ctl() { "$EP_CTL" --rundir "${EP_VSD_RUNDIR:-$EP_TMP/run}" "$@"; }

# ep_peer NAME SOCKETS... -- PEER-ARGS...: run the traffic peer (foreground,
# bounded by timeout) with one net_virtio_user port per socket; port i gets
# MAC 02:00:00:00:00:0(i+1). Its JSON report goes to stdout.
ep_peer() {
	local name=$1; shift
	local vdevs=() i=0
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		i=$((i + 1))
		vdevs+=(--vdev "net_virtio_user$i,path=$1,mac=02:00:00:00:00:0$i,queue_size=1024${EP_PEER_VDEV_EXTRA:-}")
		shift
	done
	[ "${1:-}" = "--" ] && shift
	ep_prefix "$name"
	local rc=0
	timeout -k 10 120 "$EP_PEER" --no-pci --file-prefix "$EP_PREFIX" -m 128 --single-file-segments \
		-l 0 --log-level='*:warning' "${vdevs[@]}" -- "$@" 2>"$EP_TMP/$name.err" || rc=$?
	# Called in $(...) too, where ep_cleanup never sees the prefix: clean here.
	ep_rm_prefix "$EP_PREFIX"
	return $rc
}

# ep_json FILE-OR-STRING EXPR: evaluate a Python expression on parsed JSON (j).
ep_json() {
	python3 -c 'import json,sys; j=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"
}

# ep_testpmd NAME SOCKETS... -- TESTPMD-ARGS...: start dpdk-testpmd in the
# background with one net_virtio_user port per socket (port i: MAC
# 02:00:00:00:00:0(i+1); EP_TESTPMD_VDEV_EXTRA is appended to each vdev),
# its forwarding lcore on CPU 0 and its main lcore on CPU 1 (the switch's PMD
# core stays the switch's; EP_TESTPMD_LCORES overrides). Sets EP_TESTPMD_PID.
ep_testpmd() {
	local name=$1; shift
	local vdevs=() i=0
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		i=$((i + 1))
		vdevs+=(--vdev "net_virtio_user$i,path=$1,mac=02:00:00:00:00:0$i,speed=100000${EP_TESTPMD_VDEV_EXTRA:-}")
		shift
	done
	[ "${1:-}" = "--" ] && shift
	ep_prefix "$name"
	ep_spawn "$EP_TMP/$name.log" stdbuf -oL dpdk-testpmd --no-pci --file-prefix "$EP_PREFIX" \
		-m 256 --single-file-segments ${EP_TESTPMD_LCORES:---lcores 0@1,1@0} \
		--log-level='*:notice' \
		"${vdevs[@]}" -- --total-num-mbufs=8192 "$@"
	EP_TESTPMD_PID=$EP_LAST_PID
}

# ep_wait_ports_up TIMEOUT PORT...: wait until every named switch port is up.
ep_wait_ports_up() {
	local t=$1; shift
	local i p all
	for ((i = 0; i < t * 10; i++)); do
		all=1
		for p in "$@"; do
			[ "$(ep_json "$(ctl --json port-stats "$p")" \
				"j['ports'][0]['state']")" = up ] || { all=0; break; }
		done
		[ $all = 1 ] && return 0
		sleep 0.1
	done
	echo "timeout: ports $* not up after ${t}s" >&2
	return 1
}
