#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs every Debian package edgeplane needs to build, test and run its quickstart.
# Idempotent: when everything is present it only checks and returns.
set -euo pipefail

PKGS=(
	# build
	build-essential meson ninja-build pkg-config
	# required libraries
	dpdk dpdk-dev libdpdk-dev libnuma-dev libjansson-dev libcmocka-dev libvirt-dev
	libmicrohttpd-dev libmnl-dev libxml2-dev libpcap-dev libbsd-dev libelf-dev libxdp-dev libbpf-dev
	# tests and tools
	iproute2 iputils-ping curl coreutils procps python3 util-linux
)

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
apt-get install -y -qq --no-install-recommends "${missing[@]}"
