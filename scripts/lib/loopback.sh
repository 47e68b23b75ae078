# SPDX-License-Identifier: BSD-3-Clause
# The vhost loopback topology shared by scripts/quickstart and
# scripts/bench/vhost-loopback: vswitchd (control on CPU 0, PMD on CPU 1) with
# bridge br0 and vhost-user ports vh0 and vh1; dpdk-testpmd (forwarding lcore
# on CPU 0) with two virtio-user ports in "mac" forwarding mode: each port
# starts with one burst of 256 frames (--tx-first) from its own MAC to the
# other port's MAC, and every frame received on one port is sent out of the
# other with those addresses, so the population circulates through the
# switch in both directions and MAC learning stays stable (testpmd's flowgen
# uses one fixed source MAC on every port, which makes a learning bridge
# flood). Source after common.sh.

# ep_loopback_setup: start the switch and create br0/vh0/vh1.
ep_loopback_setup() {
	ep_vswitchd_start vswitchd
	ctl add-br br0
	ctl add-port br0 vh0 type=vhost-user path="$EP_TMP/vh0.sock"
	ctl add-port br0 vh1 type=vhost-user path="$EP_TMP/vh1.sock"
}

# ep_sample: print "tx_packets busy_cycles pmd_packets time burst_cycles
# idle_cycles" of the switch now.
ep_sample() {
	local ports pmds
	ports=$(ctl --json port-stats)
	pmds=$(ctl --json pmd-stats)
	python3 - "$ports" "$pmds" <<'PY'
import json, sys, time
p = json.loads(sys.argv[1]); m = json.loads(sys.argv[2])
tx = sum(x["tx_packets"] for x in p["ports"] if x["name"] in ("vh0", "vh1"))
busy = sum(x["busy_cycles"] for x in m["pmds"])
pk = sum(x["packets"] for x in m["pmds"])
burst = sum(x["burst_cycles"] for x in m["pmds"])
idle = sum(x["idle_cycles"] for x in m["pmds"])
print(tx, busy, pk, time.time(), burst, idle)
PY
}

# ep_loopback_run SECONDS FRAME_SIZE: run traffic; set EP_LR_MPPS, what the
# switch forwarded (both directions) per second, measured after a 2 s
# warm-up, EP_LR_CPP, EP_LR_BPP, the PMD's busy and burst cycles per
# packet (docs/rpc.md, pmd.stats), and EP_LR_BUSY, the percentage of its
# cycles the PMD was busy (below ~90: the generator, not the switch, set
# the rate). Call it in the current shell, not in
# $(...) or <(...): the generator it starts and stops must stay known to
# ep_cleanup should the script be interrupted.
ep_loopback_run() {
	local secs=$1 size=$2 s0 s1 rc=0 r
	EP_TESTPMD_VDEV_EXTRA=",queue_size=1024${EP_LOOPBACK_VDEV_EXTRA:-}" ep_testpmd "gen$size" \
		"$EP_TMP/vh0.sock" "$EP_TMP/vh1.sock" -- \
		--forward-mode=mac --txpkts=$((size - 4)) --burst=256 --tx-first \
		--rxd=1024 --txd=1024 \
		--eth-peer=0,02:00:00:00:00:02 --eth-peer=1,02:00:00:00:00:01 --stats-period 1
	if ep_wait_ports_up 30 vh0 vh1; then
		sleep 2
		s0=$(ep_sample)
		sleep "$secs"
		s1=$(ep_sample)
	else
		rc=1
	fi
	ep_forget "$EP_TESTPMD_PID"
	ep_rm_prefix "$EP_PREFIX"
	[ $rc = 0 ] || return 1
	ep_sample_rates "$s0" "$s1"
}

# ep_sample_rates S0 S1: from two ep_sample lines, set EP_LR_MPPS (vh0 + vh1
# tx per second between them), EP_LR_CPP and EP_LR_BPP (busy and burst
# cycles per packet the PMDs received) and EP_LR_BUSY (busy percentage).
ep_sample_rates() {
	local r
	r=$(python3 - "$1" "$2" <<'PY'
import sys
a = [float(x) for x in sys.argv[1].split()]; b = [float(x) for x in sys.argv[2].split()]
mpps = (b[0] - a[0]) / (b[3] - a[3]) / 1e6
cpp = (b[1] - a[1]) / max(1.0, b[2] - a[2])
bpp = (b[4] - a[4]) / max(1.0, b[2] - a[2])
busy = 100.0 * (b[1] - a[1]) / max(1.0, b[1] - a[1] + b[5] - a[5])
print("%.3f %.1f %.1f %.1f" % (mpps, cpp, bpp, busy))
PY
) || return 1
	read -r EP_LR_MPPS EP_LR_CPP EP_LR_BPP EP_LR_BUSY <<<"$r"
}
