# SPDX-License-Identifier: BSD-3-Clause
# Side-by-side benchmark helpers for scripts/bench/run-all. Source after
# common.sh (and loopback.sh). Not part of the test suite.
#
# One measurement = one device under test (DUT) started fresh, one generator
# started against it, a warm-up, a measured window, both stopped by PID and
# their hugepage/runtime files removed. Only one DUT runs at a time: every DUT
# busy-polls CPU 1, and two pollers on one core collapse throughput.
#
# Topology (the same for every DUT):
#   generator: dpdk-testpmd, two net_virtio_user ports (vhost-user clients),
#              forwarding lcore on CPU 0, main lcore on CPU 1 (sleeps);
#              "mac" forwarding, --tx-first --burst=256: a fixed population of
#              frames circulates gen -> DUT -> gen in both directions with
#              stable MACs (port 0 = 02:..:01, port 1 = 02:..:02).
#   DUT:       two vhost-user server sockets, its poll-mode thread on CPU 1,
#              its control/main thread on CPU 0.
# The rate is measured at the generator (frames it received per second, both
# ports, from testpmd's own per-second "Rx-pps"), the same way for every DUT;
# the DUT's own counters give its cycles per packet and a cross-check rate.
#
# Zero-loss search (bench_zero_loss): the same DUTs and sockets, but the
# generator is ep-peer --bench (tests/tools/ep_peer.c), one process per trial
# with its lcore on CPU 0, sending paced bursts of 32 from both ports.

BENCH_GEN_SECS_WARMUP=${BENCH_GEN_SECS_WARMUP:-2}
BENCH_OVS_VSWITCHD=${BENCH_OVS_VSWITCHD:-/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk}
BENCH_OVS_SCHEMA=${BENCH_OVS_SCHEMA:-/usr/share/openvswitch/vswitch.ovsschema}

# ---------------------------------------------------------------- generator

# bench_gen_start TAG SIZE DIR: start the generator against DIR/vh0.sock and
# DIR/vh1.sock. Sets BENCH_GEN_PID, BENCH_GEN_PREFIX, BENCH_GEN_LOG.
bench_gen_start() {
	local tag=$1 size=$2 dir=$3
	EP_TESTPMD_VDEV_EXTRA=",queue_size=1024${BENCH_RING_EXTRA:-}" ep_testpmd "gen-$tag" \
		"$dir/vh0.sock" "$dir/vh1.sock" -- \
		--forward-mode=mac --txpkts=$((size - 4)) --burst=256 --tx-first \
		--rxd=1024 --txd=1024 \
		--eth-peer=0,02:00:00:00:00:02 --eth-peer=1,02:00:00:00:00:01 --stats-period 1
	BENCH_GEN_PID=$EP_TESTPMD_PID
	BENCH_GEN_PREFIX=$EP_PREFIX
	BENCH_GEN_LOG=$EP_TMP/gen-$tag.log
}

bench_gen_stop() {
	ep_forget "$BENCH_GEN_PID"
	ep_rm_prefix "$BENCH_GEN_PREFIX"
}

# bench_gen_blocks LOG: print "N LAST_PPS": how many complete per-second stats
# blocks testpmd has printed (both ports) and the total Rx-pps of the last one.
# bench_gen_rate LOG FROM TO: mean total Rx-pps (in Mpps) over blocks FROM+1..TO;
# bench_gen_series LOG FROM TO: the per-second values themselves.
bench_gen_py='
import re, sys
txt = open(sys.argv[2], errors="replace").read()
rx = [int(x) for x in re.findall(r"Rx-pps:\s+(\d+)", txt)]
nt = len(re.findall(r"Tx-pps:\s+\d+", txt))
n = min(len(rx), nt) // 2                  # complete blocks, 2 ports each
tot = [rx[2 * i] + rx[2 * i + 1] for i in range(n)]
if sys.argv[1] == "blocks":
    print(n, tot[-1] if n else 0)
else:
    a, b = int(sys.argv[3]), int(sys.argv[4])
    sel = tot[a:b]
    if sys.argv[1] == "series":
        print(" ".join("%.4f" % (x / 1e6) for x in sel))
    else:
        print("%.4f" % (sum(sel) / len(sel) / 1e6 if sel else 0.0))
'
bench_gen_blocks() { python3 -c "$bench_gen_py" blocks "$1"; }
bench_gen_series() { python3 -c "$bench_gen_py" series "$1" "$2" "$3"; }

# bench_cpu_ticks PID: user+system clock ticks the process has used (all threads).
bench_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
bench_gen_rate() { python3 -c "$bench_gen_py" rate "$1" "$2" "$3"; }

# bench_gen_wait_flowing TIMEOUT: wait until the generator receives frames.
bench_gen_wait_flowing() {
	local t=$1 i pps
	for ((i = 0; i < t * 5; i++)); do
		kill -0 "$BENCH_GEN_PID" 2>/dev/null || { echo "generator exited" >&2; return 1; }
		read -r _ pps < <(bench_gen_blocks "$BENCH_GEN_LOG")
		[ "$pps" -gt 0 ] && return 0
		sleep 0.2
	done
	echo "timeout: no traffic back at the generator after ${t}s" >&2
	return 1
}

# ---------------------------------------------------------------- DUTs
# Each DUT has bench_<dut>_start TAG DIR (vhost-user server sockets at
# DIR/vh0.sock and DIR/vh1.sock, returns when they exist),
# bench_<dut>_sample (prints "RX_PACKETS BUSY_CYCLES [BURST_CYCLES]" of its
# PMD now, or "- -" when it can only report at the end), bench_<dut>_stop,
# and bench_<dut>_final (prints testpmd's "CYCLES_PER_PACKET" or "-" after
# stop). Busy cycles are those of poll-loop iterations that received packets
# (OVS's "processing cycles"); burst cycles count from each rx call that
# returned packets to the end of their tx, as dpdk-testpmd
# --record-core-cycles does (docs/rpc.md, pmd.stats).

# edgeplane: the L2 learning bridge of scripts/lib/loopback.sh; with
# BENCH_EP_FLOWS=inport, flow rules in_port=vh0 -> vh1 and back instead
# (docs/flows.md), the counterpart of OVS's in_port flows. BENCH_FDB_SIZE, when
# set, sizes the MAC table of either switch (edgeplane: fdb_size; OVS:
# other_config:mac-table-size, default 2048).
bench_edgeplane_start() {
	local tag=$1 dir=$2
	rm -f "$EP_TMP/vswitchd.json"
	ep_vswitchd_start "vsd-$tag" >/dev/null || return 1
	BENCH_DUT_PID=$EP_VSD_PID
	BENCH_DUT_PREFIX=$EP_VSD_PREFIX
	ctl add-br br0 ${BENCH_FDB_SIZE:+fdb_size=$BENCH_FDB_SIZE} >/dev/null
	ctl add-port br0 vh0 type=vhost-user path="$dir/vh0.sock" >/dev/null
	ctl add-port br0 vh1 type=vhost-user path="$dir/vh1.sock" >/dev/null
	if [ "${BENCH_EP_FLOWS:-normal}" = inport ]; then
		ctl add-flow br0 in_port=vh0,actions=output:vh1 >/dev/null || return 1
		ctl add-flow br0 in_port=vh1,actions=output:vh0 >/dev/null || return 1
	fi
	ep_wait_socket "$dir/vh1.sock" 10
}
bench_edgeplane_sample() {
	local s
	read -r -a s < <(ep_sample)	# tx busy packets time burst
	echo "${s[2]} ${s[1]} ${s[4]}"
}
bench_edgeplane_stop() {
	ep_forget "$BENCH_DUT_PID"
	ep_rm_prefix "$BENCH_DUT_PREFIX"
	rm -f "$EP_TMP/vswitchd.json"
}
bench_edgeplane_final() { echo -; }

# ovs: Open vSwitch 3.1 with DPDK (Debian's openvswitch-switch-dpdk), its own
# ovsdb-server and ovs-vswitchd under a private directory. Debian installs the
# DPDK build as /usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk and offers
# it to update-alternatives for /usr/sbin/ovs-vswitchd at priority 50, below
# the plain build's 100, so "auto" picks the non-DPDK binary; we call the DPDK
# binary by its path and leave the alternative alone.
# BENCH_OVS_FLOWS: "normal" (the default NORMAL flow: MAC learning) or
# "inport" (in_port=1,actions=output:2 and back).
bench_ovs_ctl() { ovs-vsctl --db="unix:$BENCH_OVS_DIR/db.sock" --timeout=30 "$@"; }
bench_ovs_appctl() { ovs-appctl --target="$BENCH_OVS_DIR/ovs-vswitchd.ctl" --timeout=10 "$@"; }
bench_ovs_ofctl() { ovs-ofctl "$@"; }

bench_ovs_start() {
	local tag=$1 dir=$2 i
	[ -x "$BENCH_OVS_VSWITCHD" ] ||
		{ echo "no $BENCH_OVS_VSWITCHD: run scripts/install-deps.sh --bench" >&2; return 1; }
	BENCH_OVS_DIR=$dir
	ep_prefix "ovs-$tag"
	BENCH_DUT_PREFIX=$EP_PREFIX
	# OVS_RUNDIR: default pidfiles, ovs-vswitchd.ctl and the dpdkvhostuser
	# socket directory; OVS_DBDIR/OVS_LOGDIR keep everything else private too.
	export OVS_RUNDIR=$dir OVS_DBDIR=$dir OVS_LOGDIR=$dir
	ovsdb-tool create "$dir/conf.db" "$BENCH_OVS_SCHEMA" || return 1
	ep_spawn "$EP_TMP/ovsdb-$tag.out" taskset -c 0 ovsdb-server "$dir/conf.db" \
		--remote="punix:$dir/db.sock" --pidfile="$dir/ovsdb-server.pid" \
		--unixctl="$dir/ovsdb-server.ctl" --log-file="$EP_TMP/ovsdb-$tag.log" -vconsole:off
	BENCH_OVSDB_PID=$EP_LAST_PID
	ep_wait_socket "$dir/db.sock" 10 || return 1
	bench_ovs_ctl --no-wait init
	bench_ovs_ctl --no-wait set Open_vSwitch . \
		other_config:dpdk-init=true \
		other_config:dpdk-extra="--no-pci --file-prefix $BENCH_DUT_PREFIX" \
		other_config:dpdk-socket-mem=512 other_config:dpdk-socket-limit=512 \
		other_config:dpdk-lcore-mask=0x1 other_config:pmd-cpu-mask=0x2
	ep_spawn "$EP_TMP/ovs-vswitchd-$tag.out" "$BENCH_OVS_VSWITCHD" "unix:$dir/db.sock" \
		--pidfile="$dir/ovs-vswitchd.pid" --unixctl="$dir/ovs-vswitchd.ctl" \
		--log-file="$EP_TMP/ovs-vswitchd-$tag.log" -vconsole:off
	BENCH_DUT_PID=$EP_LAST_PID
	ep_wait_socket "$dir/ovs-vswitchd.ctl" 30 || return 1
	bench_ovs_ctl add-br br0 -- set bridge br0 datapath_type=netdev \
		-- add-port br0 vh0.sock -- set Interface vh0.sock type=dpdkvhostuser ofport_request=1 \
		-- add-port br0 vh1.sock -- set Interface vh1.sock type=dpdkvhostuser ofport_request=2 ||
		return 1
	if [ -n "${BENCH_FDB_SIZE:-}" ]; then
		bench_ovs_ctl set bridge br0 other_config:mac-table-size="$BENCH_FDB_SIZE" || return 1
	fi
	if [ "${BENCH_OVS_FLOWS:-normal}" = inport ]; then
		bench_ovs_ofctl del-flows "unix:$dir/br0.mgmt"
		bench_ovs_ofctl add-flow "unix:$dir/br0.mgmt" in_port=1,actions=output:2
		bench_ovs_ofctl add-flow "unix:$dir/br0.mgmt" in_port=2,actions=output:1
	fi
	ep_wait_socket "$dir/vh1.sock" 10
}
bench_ovs_sample() {
	bench_ovs_appctl dpif-netdev/pmd-stats-show | python3 -c '
import re, sys
txt = sys.stdin.read()
pk = cy = 0
for blk in re.split(r"\n(?=\S)", txt):
    if not blk.startswith("pmd thread"):
        continue
    m = re.search(r"packets received:\s+(\d+)", blk); pk += int(m.group(1)) if m else 0
    m = re.search(r"processing cycles:\s+(\d+)", blk); cy += int(m.group(1)) if m else 0
print(pk, cy)'
}
bench_ovs_stop() {
	ep_forget "$BENCH_DUT_PID"
	ep_forget "$BENCH_OVSDB_PID"
	ep_rm_prefix "$BENCH_DUT_PREFIX"
	unset OVS_RUNDIR OVS_DBDIR OVS_LOGDIR
}
bench_ovs_final() { echo -; }

# limit: dpdk-testpmd io-forwarding between two net_vhost ports, its
# forwarding lcore on CPU 1 and its main lcore on CPU 0. It reports busy
# cycles per packet (--record-core-cycles) only when it stops, over its whole
# run (warm-up included).
bench_limit_start() {
	local tag=$1 dir=$2
	ep_prefix "limit-$tag"
	BENCH_DUT_PREFIX=$EP_PREFIX
	BENCH_LIMIT_LOG=$EP_TMP/limit-$tag.log
	ep_spawn "$BENCH_LIMIT_LOG" stdbuf -oL dpdk-testpmd --no-pci --file-prefix "$EP_PREFIX" \
		-m 256 --single-file-segments --lcores 0@0,1@1 --log-level='*:notice' \
		--vdev "net_vhost0,iface=$dir/vh0.sock,queues=1" \
		--vdev "net_vhost1,iface=$dir/vh1.sock,queues=1" -- \
		--total-num-mbufs=8192 --forward-mode=io --burst=32 --rxd=1024 --txd=1024 \
		--record-core-cycles --stats-period 1
	BENCH_DUT_PID=$EP_LAST_PID
	ep_wait_socket "$dir/vh1.sock" 20
}
bench_limit_sample() { echo - -; }
bench_limit_stop() {
	ep_forget "$BENCH_DUT_PID"
	ep_rm_prefix "$BENCH_DUT_PREFIX"
}
bench_limit_final() {
	python3 - "$BENCH_LIMIT_LOG" <<'PY'
import re, sys
m = re.findall(r"CPU cycles/packet=([\d.]+)", open(sys.argv[1], errors="replace").read())
print("%.1f" % float(m[-1]) if m else "-")
PY
}

# bench_idle [PID...]: print the machine's idle fraction (all CPUs) over the
# next second, counting the CPU time of the PIDs given (a DUT of ours that
# busy-polls) as idle.
bench_idle() {
	local a b p
	a=$(awk '/^cpu / { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat)
	for p in "$@"; do a+=" $(bench_cpu_ticks "$p")"; done
	sleep 1
	b=$(awk '/^cpu / { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat)
	for p in "$@"; do b+=" $(bench_cpu_ticks "$p")"; done
	python3 -c 'import sys; a = [float(x) for x in sys.argv[1].split()]
b = [float(x) for x in sys.argv[2].split()]
mine = sum(y - x for x, y in zip(a[2:], b[2:]))
print("%.2f" % min(1.0, (b[0] - a[0] + mine) / max(1.0, b[1] - a[1])))' "$a" "$b"
}

# bench_wait_quiet MAXSECS [PID...]: wait (at most MAXSECS) until the machine
# is at least 80% idle over one second (the PIDs' own CPU time counted as
# idle), so a measurement starts when other work on a shared machine pauses;
# prints the last idle fraction seen.
bench_wait_quiet() {
	local max=$1 i idle=0
	shift
	for ((i = 0; i <= max; i++)); do
		idle=$(bench_idle "$@")
		python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= 0.8 else 1)' "$idle" && break
	done
	echo "$idle"
}

# bench_with_dut DUT TAG FN ARGS...: after waiting up to $BENCH_QUIET_WAIT s
# for a quiet machine (the idle fraction seen goes to BENCH_IDLE), start DUT
# with its sockets in a fresh DIR=$EP_TMP/TAG, run FN DIR ARGS..., stop the
# DUT and remove DIR. BENCH_KIND is the DUT's kind (edgeplane, ovs, limit)
# meanwhile and after, for bench_${BENCH_KIND}_final. Returns non-zero if the
# DUT did not start or FN failed.
bench_with_dut() {
	local dut=$1 tag=$2 fn=$3 dir rc=0
	shift 3
	BENCH_KIND=$dut
	case "$dut" in
	edgeplane) BENCH_EP_FLOWS=normal ;;
	edgeplane-inport) BENCH_KIND=edgeplane; BENCH_EP_FLOWS=inport ;;
	ovs-normal) BENCH_KIND=ovs; BENCH_OVS_FLOWS=normal ;;
	ovs-inport) BENCH_KIND=ovs; BENCH_OVS_FLOWS=inport ;;
	esac
	BENCH_DUT_PID="" BENCH_DUT_PREFIX="" BENCH_OVSDB_PID="" BENCH_GEN_PID="" BENCH_GEN_PREFIX=""
	dir=$EP_TMP/$tag
	mkdir -p "$dir"
	BENCH_IDLE=$(bench_wait_quiet "${BENCH_QUIET_WAIT:-0}")
	if "bench_${BENCH_KIND}_start" "$tag" "$dir" >&2; then
		"$fn" "$dir" "$@" || rc=1
	else
		rc=1
	fi
	"bench_${BENCH_KIND}_stop"
	rm -rf "$dir"
	return $rc
}

# bench_mpps_window DIR SIZE SECONDS TAG: the generator against the DUT on
# DIR, a warm-up, then SECONDS measured; sets mpps, series, s0/s1 (DUT
# samples), t0/t1, c0/c1 (CPU ticks of the DUT and the generator) of the caller.
bench_mpps_window() {
	local dir=$1 size=$2 secs=$3 tag=$4 rc=0
	bench_gen_start "$tag" "$size" "$dir"
	if bench_gen_wait_flowing 30; then
		sleep "$BENCH_GEN_SECS_WARMUP"
		read -r n0 _ < <(bench_gen_blocks "$BENCH_GEN_LOG")
		s0=$("bench_${BENCH_KIND}_sample"); t0=$(date +%s.%N)
		c0="$(bench_cpu_ticks "$BENCH_DUT_PID") $(bench_cpu_ticks "$BENCH_GEN_PID")"
		sleep "$secs"
		read -r n1 _ < <(bench_gen_blocks "$BENCH_GEN_LOG")
		s1=$("bench_${BENCH_KIND}_sample"); t1=$(date +%s.%N)
		c1="$(bench_cpu_ticks "$BENCH_DUT_PID") $(bench_cpu_ticks "$BENCH_GEN_PID")"
		mpps=$(bench_gen_rate "$BENCH_GEN_LOG" "$n0" "$n1")
		series=$(bench_gen_series "$BENCH_GEN_LOG" "$n0" "$n1")
	else
		rc=1
	fi
	bench_gen_stop
	return $rc
}

# bench_measure DUT SIZE SECONDS TAG: one measurement (after waiting up to
# $BENCH_QUIET_WAIT s for a quiet machine); prints one JSON object: dut, size,
# mpps (generator, window mean), mpps_per_second, dut_mpps (DUT's own rx
# count), cycles_per_packet (DUT's busy cycles / packets: edgeplane, OVS),
# burst_cycles_per_packet (edgeplane's burst cycles, testpmd's own figure for
# limit), dut_cpu and gen_cpu (CPUs each got during the window), idle_before;
# null where unknown.
# Returns non-zero (after cleaning up) if anything failed.
bench_measure() {
	local dut=$1 size=$2 secs=$3 tag=$4
	local n0 n1 s0 s1 t0 t1 c0 c1 mpps series final
	# not in $(...): a subshell would hide the PIDs it starts from ep_cleanup
	# A DUT that refuses the generator's connection (OVS 3.1 now and then
	# fails a vhost-user device's first setup) gets one more go.
	if ! bench_with_dut "$dut" "$tag" bench_mpps_window "$size" "$secs" "$tag"; then
		echo "bench: $dut ${size}B failed, trying once more" >&2
		bench_with_dut "$dut" "$tag-retry" bench_mpps_window "$size" "$secs" "$tag-retry" ||
			return 1
	fi
	final=$("bench_${BENCH_KIND}_final")
	python3 - "$dut" "$size" "$mpps" "$s0" "$s1" "$t0" "$t1" "$final" "$c0" "$c1" \
		"$(getconf CLK_TCK)" "$series" "$BENCH_IDLE" <<'PY'
import json, sys
dut, size, mpps, s0, s1, t0, t1, final, c0, c1, hz, series, idle = sys.argv[1:]
a, b = s0.split(), s1.split()
wall = float(t1) - float(t0)
dut_mpps = cpp = bpp = None
if "-" not in a + b:
    pk = int(b[0]) - int(a[0]); cy = int(b[1]) - int(a[1])
    dut_mpps = round(pk / wall / 1e6, 4)
    cpp = round(cy / pk, 1) if pk > 0 else None
    if len(a) > 2 and len(b) > 2 and pk > 0:
        bpp = round((int(b[2]) - int(a[2])) / pk, 1)
if final != "-":
    bpp = float(final)
# CPU each process got during the window, in CPUs (1.0 = a whole core): both
# busy-poll, so less than ~1.0 means other work on the machine took its core.
cpu = [(int(y) - int(x)) / int(hz) / wall for x, y in zip(c0.split(), c1.split())]
print(json.dumps({"dut": dut, "size": int(size), "mpps": float(mpps),
                  "dut_mpps": dut_mpps, "cycles_per_packet": cpp,
                  "burst_cycles_per_packet": bpp,
                  "dut_cpu": round(cpu[0], 2), "gen_cpu": round(cpu[1], 2),
                  "idle_before": float(idle),
                  "mpps_per_second": [float(x) for x in series.split()]}))
PY
}

# ---------------------------------------------------------------- MAC mixes
# bench_mix DIR N SECONDS SAMPLE: the traffic mix of N MACs from ep-peer
# --bench on DIR/vh0.sock and DIR/vh1.sock (N/2 MACs behind each, frame k
# from port 0's MAC k to port 1's MAC k and back): a paced first pass that
# teaches the switch every address, then SECONDS unpaced. SAMPLE is a command
# printing the DUT's counters; sets mix_s0 and mix_s1 (its output before and
# after the unpaced pass) and mix_mpps, the frames the generator received per
# second of its own sending time (without the start-up and drain that fall
# inside the samples' interval). Used by scripts/bench/scale and mix.
# With BENCH_MIX_WINDOWS=FILE (edgeplane only), the PMD's counters are also
# appended to FILE every half second during the unpaced pass (raw
# `pmd-stats --json`, one object per sample), for bench_best_window.
bench_mix() {
	local dir=$1 n=$(($2 / 2)) secs=$3 sample=$4 out=$EP_TMP/mix.json rc=0 wpid=
	local gen=(--bench --src-macs "$n" --send 0:0:macs:1:none:60 --send 1:0:macs:0:none:60)
	# First pass: every address learned on both sides (paced: nothing lost).
	ep_peer mixw "$dir/vh0.sock" "$dir/vh1.sock" -- "${gen[@]}" --rate 400000 --duration 2 \
		--rx-time 300 --wait-link 10 >/dev/null || return 1
	sleep 0.5
	mix_s0=$($sample)
	if [ -n "${BENCH_MIX_WINDOWS:-}" ]; then
		: >"$BENCH_MIX_WINDOWS"
		bench_windows "$BENCH_MIX_WINDOWS" $((2 * secs + 2)) &
		wpid=$!
	fi
	ep_peer mix "$dir/vh0.sock" "$dir/vh1.sock" -- "${gen[@]}" --duration "$secs" \
		--rx-time 300 --wait-link 10 >"$out" || rc=1
	if [ -n "$wpid" ]; then
		kill "$wpid" 2>/dev/null || true
		wait "$wpid" 2>/dev/null || true
	fi
	[ "$rc" = 0 ] || return 1
	mix_s1=$($sample)
	mix_mpps=$(python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print("%.3f" % (sum(p["rx"] for p in j["ports"]) / j["send"]["secs"] / 1e6))' "$out")
}

# bench_windows FILE COUNT: append the PMD's counters (`pmd-stats --json`)
# to FILE every half second, COUNT times at most (a bounded
# loop; bench_mix ends it sooner, by its PID). One ctl call a sample, parsed
# afterwards: ep_sample's two calls and a Python run would take the
# generator's core twice a second.
bench_windows() {
	local file=$1 i
	for ((i = 0; i < $2; i++)); do
		ctl --json pmd-stats >>"$file" 2>/dev/null || return 0
		sleep 0.5
	done
}

# bench_best_window FILE: the fewest busy cycles per packet of the PMD(s) in
# any half-second window of FILE (bench_windows' samples), leaving out the
# first and last windows (start and drain) and windows of fewer than a fifth
# of the busiest window's packets; "0" when there are not enough. The host
# only ever adds cycles (other guests, its own work), so the best window is
# the closest to the switch's own cost; a case's median over rounds is
# steadier than its average.
bench_best_window() {
	python3 - "$1" <<'PY'
import json, sys
txt = open(sys.argv[1]).read()
dec = json.JSONDecoder()
samples, i = [], 0
while True:
    i = txt.find("{", i)
    if i < 0:
        break
    try:
        j, end = dec.raw_decode(txt, i)
    except ValueError:
        i += 1  # a sample cut short: go on to the next object
        continue
    i = end
    if isinstance(j, dict) and isinstance(j.get("pmds"), list):
        pm = j["pmds"]
        samples.append([sum(p["packets"] for p in pm), sum(p["busy_cycles"] for p in pm)])
w = []
for a, b in zip(samples, samples[1:]):
    if b[0] > a[0]:
        w.append((b[0] - a[0], (b[1] - a[1]) / (b[0] - a[0])))
w = w[1:-1]
top = max((x[0] for x in w), default=0)
best = [c for p, c in w if p * 5 >= top]
print("%.1f" % min(best) if len(best) >= 2 else "0")
PY
}

# ---------------------------------------------------------------- zero loss
# RFC 2544-style search for the highest offered rate the DUT forwards with no
# loss (or at most BENCH_ZL_LOSS percent) over SECONDS. The DUT is started
# once per search and kept across its trials (a start costs OVS seconds, and a
# fresh DUT has start-up transients of its own); each trial is a fresh ep-peer
# (fresh virtqueues, counters from zero) that first announces both MACs so
# that learning is warm, then offers rate/2 frames/s from each port to the
# other for SECONDS, then receives for BENCH_ZL_DRAIN_MS ms.
# Offered = frames handed to the generator's tx rings; a frame a full ring
# did not take is lost (on vhost-user the DUT's receive queue is that ring,
# so a DUT that falls behind shows up there, not as a drop of its own). When
# the generator itself stalls (it shares a machine) it skips what it could
# not send in time rather than bursting it into the DUT's rings afterwards; a
# trial counts only if it offered at least BENCH_ZL_MIN_OFFERED percent of its
# schedule (rate x seconds).

BENCH_ZL_DRAIN_MS=${BENCH_ZL_DRAIN_MS:-500}
BENCH_ZL_TRIALS=${BENCH_ZL_TRIALS:-10}
BENCH_ZL_RESOLUTION=${BENCH_ZL_RESOLUTION:-1%}
BENCH_ZL_LOSS=${BENCH_ZL_LOSS:-0}
BENCH_ZL_MIN_OFFERED=${BENCH_ZL_MIN_OFFERED:-99}

# bench_zl_trial DIR SIZE RATE SECONDS NAME: one trial against the DUT on DIR
# at RATE frames/s in all (0: as fast as the generator goes); appends one JSON
# object to $zl_trials (rate, offered, offered_pct, skipped, tx, tx_fail, rx,
# loss, loss_pct, pass, mpps_offered, mpps_tx, mpps_rx, lag_max_us, gen_cpu,
# dut_cpu, idle_before, per_port, clean) and sets zl_pass (1 or 0), zl_tx
# (frames/s the rings took) and zl_clean (1: the generator and the DUT had
# >= 0.9 of their cores and the generator kept to its schedule).
bench_zl_trial() {
	local dir=$1 size=$2 rate=$3 secs=$4 name=$5 pace=() idle=null c0 c1 t0 t1 try gen
	[ "$rate" = 0 ] || pace=(--rate "$rate")
	bench_zl_gen "$size"
	[ "${BENCH_QUIET_WAIT:-0}" = 0 ] ||
		idle=$(bench_wait_quiet "$BENCH_QUIET_WAIT" "$BENCH_DUT_PID")
	# A connection the DUT refuses (OVS 3.1 now and then fails a vhost-user
	# device's first setup: "failed to allocate memory for vq internal
	# data") is tried once more.
	for try in 1 2; do
		c0=$(bench_cpu_ticks "$BENCH_DUT_PID"); t0=$(date +%s.%N)
		EP_PEER_VDEV_EXTRA=${BENCH_RING_EXTRA:-} ep_peer "$name" "$dir/vh0.sock" "$dir/vh1.sock" -- \
			"${gen[@]}" --duration "$secs" \
			--rx-time "$BENCH_ZL_DRAIN_MS" --wait-link 5 "${pace[@]}" >"$dir/$name.json" && break
		echo "ep-peer failed (try $try): $(tail -3 "$EP_TMP/$name.err")" >&2
		[ $try = 1 ] || return 1
	done
	c1=$(bench_cpu_ticks "$BENCH_DUT_PID"); t1=$(date +%s.%N)
	python3 - "$dir/$name.json" "$BENCH_ZL_LOSS" "$idle" "$c0" "$c1" "$t0" "$t1" \
		"$(getconf CLK_TCK)" "$zl_trials" "$BENCH_ZL_MIN_OFFERED" >"$dir/$name.res" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
tol, idle = float(sys.argv[2]), json.loads(sys.argv[3])
c0, c1, t0, t1, hz = (float(x) for x in sys.argv[4:9])
min_offered = float(sys.argv[10])
s, ports = j["send"], j["ports"]
tx = sum(p["tx"] for p in ports)
fail = sum(p["tx_fail"] for p in ports)
rx = sum(sum(p["rx_from"]) for p in ports)      # our test frames only
offered = s["offered"]
loss = offered - rx
secs = s["secs"] or 1.0
# Paced: the generator must have offered (nearly) its whole schedule, and no
# more than the tolerance may be missing.
pct = 100.0 * offered / s["target"] if s["target"] else None
ok = s["rate"] > 0 and pct >= min_offered and loss <= offered * tol / 100.0
t = {"rate": s["rate"], "offered": offered, "offered_pct": pct and round(pct, 3),
     "skipped": s["skipped"], "tx": tx, "tx_fail": fail, "rx": rx,
     "loss": loss, "loss_pct": round(100.0 * loss / offered, 6) if offered else None,
     "pass": ok, "mpps_offered": round(offered / secs / 1e6, 4),
     "mpps_tx": round(tx / secs / 1e6, 4), "mpps_rx": round(rx / secs / 1e6, 4),
     "lag_max_us": s["lag_max_us"], "gen_cpu": s["cpu"],
     "dut_cpu": round((c1 - c0) / hz / max(1e-3, t1 - t0), 2), "idle_before": idle,
     "per_port": [{"tx": p["tx"], "tx_fail": p["tx_fail"], "rx": sum(p["rx_from"])}
                  for p in ports]}
t["clean"] = t["gen_cpu"] >= 0.9 and t["dut_cpu"] >= 0.9 and (pct is None or pct >= min_offered)
with open(sys.argv[9], "a") as f:
    f.write(json.dumps(t) + "\n")
print(1 if ok else 0, int(tx / secs), int(t["clean"]))
PY
	read -r zl_pass zl_tx zl_clean <"$dir/$name.res"
}

# bench_zl_gen SIZE: the trial's generator arguments, in gen (the caller's):
# one flow each way (both MACs announced first), or with BENCH_ZL_MACS=N the
# traffic mix of bench_mix (N MACs, frame k from port 0's MAC k to port 1's
# MAC k and back), which bench_zl_search teaches the DUT before trial 0.
bench_zl_gen() {
	local len=$(($1 - 4))
	if [ -n "${BENCH_ZL_MACS:-}" ]; then
		gen=(--bench --src-macs $((BENCH_ZL_MACS / 2)) --send "0:0:macs:1:none:$len"
			--send "1:0:macs:0:none:$len")
	else
		gen=(--bench --announce --send "0:0:02-00-00-00-00-02:none:$len"
			--send "1:0:02-00-00-00-00-01:none:$len")
	fi
}

# bench_zl_search DIR SIZE SECONDS TAG: the search against the DUT on DIR.
# Trial 0 runs unpaced (twice if disturbed): the rate the rings took is the
# upper bound MAX. Then
# a binary search between 0 and MAX, starting at MAX, until the interval is
# narrower than BENCH_ZL_RESOLUTION ("N%" of MAX, or N Mpps) or after
# BENCH_ZL_TRIALS paced trials. A trial that fails while the generator or
# the DUT lost part of its core (other work on the machine), or the generator
# fell short of its schedule, runs again once (it counts as a trial). Sets zl_lo (the highest rate that passed, 0 if
# none), zl_max and zl_res (frames/s) of the caller.
bench_zl_search() {
	local dir=$1 size=$2 secs=$3 tag=$4 lo=0 hi rate n again=0 zl_pass zl_tx zl_clean gen
	if [ -n "${BENCH_ZL_MACS:-}" ]; then
		# Every address learned on both sides first (paced: nothing lost).
		bench_zl_gen "$size"
		EP_PEER_VDEV_EXTRA=${BENCH_RING_EXTRA:-} ep_peer "zl-$tag-learn" "$dir/vh0.sock" \
			"$dir/vh1.sock" -- "${gen[@]}" --rate 400000 --duration 2 --rx-time 300 \
			--wait-link 10 >/dev/null || return 1
		sleep 0.5
	fi
	bench_zl_trial "$dir" "$size" 0 "$secs" "zl-$tag-t0" || return 1
	# A disturbed unpaced trial would cap the whole search low: once more.
	[ "$zl_clean" = 1 ] || bench_zl_trial "$dir" "$size" 0 "$secs" "zl-$tag-t0b" || return 1
	zl_max=$zl_tx
	[ "$zl_max" -gt 0 ] || { echo "no traffic got through the DUT's rings" >&2; return 1; }
	zl_res=$(python3 -c 'import sys; r, m = sys.argv[1], int(sys.argv[2])
print(max(1, int(m * float(r[:-1]) / 100 if r.endswith("%") else float(r) * 1e6)))' \
		"$BENCH_ZL_RESOLUTION" "$zl_max")
	hi=$zl_max
	rate=$zl_max
	for ((n = 1; n <= BENCH_ZL_TRIALS; n++)); do
		bench_zl_trial "$dir" "$size" "$rate" "$secs" "zl-$tag-t$n" || return 1
		if [ "$zl_pass" = 0 ] && [ "$zl_clean" = 0 ] && [ $again = 0 ]; then
			again=1
			continue
		fi
		again=0
		if [ "$zl_pass" = 1 ]; then lo=$rate; else hi=$rate; fi
		[ $lo -lt "$zl_max" ] && [ $((hi - lo)) -ge "$zl_res" ] || break
		rate=$(((lo + hi) / 2))
	done
	zl_lo=$lo
}

# bench_zero_loss DUT SIZE SECONDS TAG: one search (after waiting up to
# $BENCH_QUIET_WAIT s for a quiet machine, and before each trial again, the
# DUT's own CPU time not counted); prints one JSON object: dut, size,
# zero_loss_mpps (highest passing offered rate, both directions), max_mpps
# (unpaced: what the DUT's rings took), max_rx_mpps (unpaced: what came back),
# at_max (the first paced trial, at max_mpps, passed: the DUT may do more
# than the generator offers), resolution_mpps, loss_pct (tolerance),
# seconds, idle_before, n_trials (paced) and trials (in order; trial 0 unpaced).
bench_zero_loss() {
	local dut=$1 size=$2 secs=$3 tag=$4 zl_lo=0 zl_max=0 zl_res=0
	local zl_trials=$EP_TMP/zl-$tag.jsonl
	: >"$zl_trials"
	# not in $(...): a subshell would hide the PIDs it starts from ep_cleanup
	bench_with_dut "$dut" "$tag" bench_zl_search "$size" "$secs" "$tag" || return 1
	python3 - "$dut" "$size" "$secs" "$zl_lo" "$zl_max" "$zl_res" "$BENCH_ZL_LOSS" \
		"$BENCH_IDLE" "$zl_trials" <<'PY'
import json, sys
dut, size, secs, lo, mx, res, tol, idle, path = sys.argv[1:]
trials = [json.loads(l) for l in open(path) if l.strip()]
paced = [t for t in trials if t["rate"] > 0]
unpaced = [t for t in trials if t["rate"] == 0]     # the last one gave max_mpps
print(json.dumps({
    "dut": dut, "size": int(size), "seconds": int(secs),
    "zero_loss_mpps": round(int(lo) / 1e6, 4), "max_mpps": round(int(mx) / 1e6, 4),
    "max_rx_mpps": unpaced[-1]["mpps_rx"] if unpaced else None,
    "at_max": bool(paced and paced[0]["pass"]),
    "resolution_mpps": round(int(res) / 1e6, 4), "loss_pct": float(tol),
    "idle_before": float(idle), "n_trials": len(paced), "trials": trials}))
PY
}
