# SPDX-License-Identifier: BSD-3-Clause
# A private libvirtd for edgeplane's scripts and tests. Source after common.sh.
#
#   ep_libvirtd_start DIR    start it; sets EP_LV_URI (qemu:///system on its own socket)
#                            and EP_LV_PID
#   ep_lvsh ARGS...          virsh on that instance
#   ep_libvirtd_cleanup      destroy/undefine its domains, stop it, undo the host changes
#
# libvirtd runs in its own mount namespace where /etc/libvirt, /var/lib/libvirt,
# /run/libvirt, /var/log/libvirt, /var/cache/libvirt and /etc/passwd|group are
# bind mounts of files under DIR (a passwd copy with the libvirt-qemu user
# libvirtd insists on), with its socket in DIR/sock. The host's libvirt config,
# daemon and users are never touched; the only host changes are the empty
# mount-point directories (and libvirt's hugetlbfs directory), removed again by
# ep_libvirtd_cleanup when this instance created them.

EP_LV_DIR=""
EP_LV_PID=""
EP_LV_URI=""
EP_LV_MADE_DIRS=()
EP_LV_HP_MADE=""

ep_lvsh() { virsh -q -c "$EP_LV_URI" "$@"; }

# ep_libvirtd_check: 0 if a private libvirtd can run here, else prints why.
ep_libvirtd_check() {
	command -v libvirtd >/dev/null || { echo "no libvirtd (scripts/install-deps.sh)"; return 1; }
	command -v virsh >/dev/null || { echo "no virsh (scripts/install-deps.sh)"; return 1; }
	command -v unshare >/dev/null || { echo "no unshare"; return 1; }
	return 0
}

ep_libvirtd_start() {
	local lv=$1 d i
	EP_LV_DIR=$lv
	EP_LV_URI="qemu:///system?socket=$lv/sock/libvirt-sock"
	mkdir -p "$lv"/{etc,lib,run,log,cache,sock}
	cat >"$lv/etc/libvirtd.conf" <<EOF
unix_sock_dir = "$lv/sock"
unix_sock_rw_perms = "0700"
auth_unix_rw = "none"
auth_unix_ro = "none"
log_outputs = "3:file:$lv/log/libvirtd.log"
EOF
	cat >"$lv/etc/qemu.conf" <<EOF
user = "root"
group = "root"
dynamic_ownership = 0
security_driver = "none"
stdio_handler = "file"
hugetlbfs_mount = "/dev/hugepages"
namespaces = [ ]
cgroup_controllers = [ ]
EOF
	cp /etc/passwd "$lv/passwd"
	cp /etc/group "$lv/group"
	getent group libvirt-qemu >/dev/null || echo "libvirt-qemu:x:64055:" >>"$lv/group"
	getent passwd libvirt-qemu >/dev/null ||
		echo "libvirt-qemu:x:64055:64055:Libvirt Qemu:/var/lib/libvirt:/usr/sbin/nologin" >>"$lv/passwd"
	[ -e /dev/hugepages/libvirt ] || EP_LV_HP_MADE=1
	for d in /etc/libvirt /var/lib/libvirt /run/libvirt /var/log/libvirt /var/cache/libvirt; do
		[ -d "$d" ] || { mkdir -p "$d"; EP_LV_MADE_DIRS+=("$d"); }
	done
	cat >"$lv/start.sh" <<EOF
set -e
mount --make-rprivate /
mount --bind "$lv/etc" /etc/libvirt
mount --bind "$lv/lib" /var/lib/libvirt
mount --bind "$lv/run" /run/libvirt
mount --bind "$lv/log" /var/log/libvirt
mount --bind "$lv/cache" /var/cache/libvirt
mount --bind "$lv/passwd" /etc/passwd
mount --bind "$lv/group" /etc/group
exec libvirtd -f "$lv/etc/libvirtd.conf"
EOF
	ep_spawn "${EP_TMP:-$lv}/libvirtd.log" unshare --mount sh "$lv/start.sh"
	EP_LV_PID=$EP_LAST_PID
	for ((i = 0; i < 100; i++)); do
		ep_lvsh version >/dev/null 2>&1 && return 0
		kill -0 "$EP_LV_PID" 2>/dev/null || { echo "libvirtd exited: $(cat "${EP_TMP:-$lv}/libvirtd.log")" >&2; return 1; }
		sleep 0.1
	done
	echo "private libvirtd does not answer on $lv/sock" >&2
	return 1
}

# Destroy its domains while libvirtd still runs, then libvirtd (by PID).
ep_libvirtd_cleanup() {
	local d pidf pid
	[ -n "$EP_LV_DIR" ] || return 0
	if [ -S "$EP_LV_DIR/sock/libvirt-sock" ]; then
		for d in $(ep_lvsh list --all --name 2>/dev/null); do
			ep_lvsh destroy "$d" >/dev/null 2>&1 || true
			ep_lvsh undefine "$d" --managed-save --snapshots-metadata >/dev/null 2>&1 || true
		done
	fi
	# A QEMU left behind by a dead libvirtd (run/qemu/driver.pid is libvirtd's own lock).
	for pidf in "$EP_LV_DIR"/run/qemu/*.pid; do
		[ -f "$pidf" ] || continue
		pid=$(cat "$pidf" 2>/dev/null) || continue
		[[ "$pid" =~ ^[0-9]+$ ]] && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == qemu* ]] &&
			kill -9 "$pid" 2>/dev/null
	done
	[ -n "$EP_LV_PID" ] && ep_stop "$EP_LV_PID" 15
	# libvirt's hugetlbfs directory (empty once its domains are gone)
	[ -n "$EP_LV_HP_MADE" ] && rmdir /dev/hugepages/libvirt/qemu /dev/hugepages/libvirt 2>/dev/null
	for d in "${EP_LV_MADE_DIRS[@]}"; do rmdir "$d" 2>/dev/null || true; done
	EP_LV_DIR="" EP_LV_PID="" EP_LV_MADE_DIRS=()
	return 0
}
