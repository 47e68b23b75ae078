#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs every Debian package edgeplane needs to build, test and run its quickstart.
# Idempotent: when everything is present it only checks and returns.
#
#   scripts/install-deps.sh           the build/test/quickstart set
#   scripts/install-deps.sh --bench   also the benchmark-only packages (scripts/bench/run-all):
#                                     OVS-DPDK to compare against and gnuplot for the plot.
#                                     Their services are kept from starting (policy-rc.d).
set -euo pipefail

bench=0
case "${1:-}" in
--bench) bench=1 ;;
"") ;;
*) echo "usage: $0 [--bench]" >&2; exit 2 ;;
esac

PKGS=(
	# build
	build-essential meson ninja-build pkg-config
	# required libraries
	dpdk dpdk-dev libdpdk-dev libnuma-dev libjansson-dev libcmocka-dev libvirt-dev
	libmicrohttpd-dev libmnl-dev libxml2-dev libpcap-dev libbsd-dev libelf-dev libxdp-dev libbpf-dev
	# tests and tools
	iproute2 iputils-ping curl coreutils procps python3 util-linux
	# test guests (scripts/guest-image, scripts/lib/guest.sh): QEMU and a static busybox;
	# the guest kernel is fetched by scripts/guest-image with apt-get download
	qemu-system-x86 busybox-static
	# VNFs through libvirt (nfvi-agent; tests/integration/t_vnf_e2e.sh runs a private libvirtd)
	libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients
)
BENCH_PKGS=(openvswitch-switch-dpdk gnuplot-nox)
[ $bench = 0 ] || PKGS+=("${BENCH_PKGS[@]}")

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#PKGS[@]} packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages (${missing[*]}); run as root" >&2
	exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if [ $bench = 0 ]; then
	apt-get install -y -qq --no-install-recommends "${missing[@]}"
	exit 0
fi
# The benchmark runs its own OVS under a private directory: Debian's
# openvswitch-switch service must not start (policy-rc.d 101 = "action
# forbidden"), nor stay running if it was started some other way.
prc=/usr/sbin/policy-rc.d
if [ ! -e "$prc" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$prc"
	chmod 755 "$prc"
	trap 'rm -f "$prc"' EXIT
fi
rc=0
apt-get install -y -qq --no-install-recommends "${missing[@]}" || rc=$?
for pf in /run/openvswitch/ovs-vswitchd.pid /run/openvswitch/ovsdb-server.pid; do
	if [ -s "$pf" ] && kill -0 "$(cat "$pf")" 2>/dev/null; then
		echo "install-deps: stopping the packaged service $(basename "$pf" .pid) (pid $(cat "$pf"))"
		kill -TERM "$(cat "$pf")" 2>/dev/null || true
	fi
done
exit $rc
