# SPDX-License-Identifier: BSD-3-Clause
# Private libvirtd instances for edgeplane's scripts and tests. Source after common.sh.
#
#   ep_libvirtd_start DIR [HOST_UUID]
#                            start one in DIR; sets EP_LV_URI (qemu:///system on its own
#                            socket), EP_LV_PEER_URI (the same socket as qemu+unix://, the
#                            URI another libvirtd migrates to it by) and EP_LV_PID. Several
#                            run at once, each in its own DIR. HOST_UUID makes it another
#                            "host" for live migration: its host_uuid, and a hostname of
#                            its own (ep-UUID8.invalid, in its own UTS namespace)
#   ep_lvsh ARGS...          virsh on the instance of EP_LV_URI (the last one started;
#                            EP_LV_URI=URI ep_lvsh ARGS... for another)
#   ep_libvirtd_cleanup      for every instance: destroy/undefine its domains, stop it;
#                            then undo the host changes
#
# libvirtd runs in its own mount namespace where /etc/libvirt, /var/lib/libvirt,
# /run/libvirt, /var/log/libvirt, /var/cache/libvirt and /etc/passwd|group are
# bind mounts of files under DIR (a passwd copy with the libvirt-qemu user
# libvirtd insists on), with its socket in DIR/sock, its pid file (else
# /run/libvirtd.pid, one per host) in DIR/run and a hugetlbfs mount of
# its own on DIR/hugepages (libvirt names a domain's directory there by its
# id, the same on two instances). libvirt refuses a loopback migration_host
# in qemu.conf: a migration between two instances names QEMU's stream
# (tcp://127.0.0.1) in the request instead. The host's libvirt config, daemon
# and users are never touched; the only host changes are the empty
# mount-point directories, removed again by ep_libvirtd_cleanup when it
# created them.

EP_LV_PID=""
EP_LV_URI=""
EP_LV_PEER_URI=""
EP_LV_DIRS=() # every instance started and not cleaned up, with its PID
EP_LV_PIDS=()
EP_LV_MADE_DIRS=()

ep_lvsh() { virsh -q -c "$EP_LV_URI" "$@"; }

# ep_libvirtd_check: 0 if a private libvirtd can run here, else prints why.
ep_libvirtd_check() {
	command -v libvirtd >/dev/null || { echo "no libvirtd (scripts/install-deps.sh)"; return 1; }
	command -v virsh >/dev/null || { echo "no virsh (scripts/install-deps.sh)"; return 1; }
	command -v unshare >/dev/null || { echo "no unshare"; return 1; }
	return 0
}

ep_libvirtd_start() {
	local lv=$1 uuid=${2:-} d i log uts=()
	log=${EP_TMP:-$lv}/libvirtd-$(basename "$lv").log
	EP_LV_URI="qemu:///system?socket=$lv/sock/libvirt-sock"
	EP_LV_PEER_URI="qemu+unix:///system?socket=$lv/sock/libvirt-sock"
	mkdir -p "$lv"/{etc,lib,run,log,cache,sock,hugepages}
	{
		echo "unix_sock_dir = \"$lv/sock\""
		echo 'unix_sock_rw_perms = "0700"'
		echo 'auth_unix_rw = "none"'
		echo 'auth_unix_ro = "none"'
		echo "log_outputs = \"3:file:$lv/log/libvirtd.log\""
		[ -z "$uuid" ] || echo "host_uuid = \"$uuid\""
	} >"$lv/etc/libvirtd.conf"
	{
		echo 'user = "root"'
		echo 'group = "root"'
		echo 'dynamic_ownership = 0'
		echo 'security_driver = "none"'
		echo 'stdio_handler = "file"'
		echo "hugetlbfs_mount = \"$lv/hugepages\""
		echo 'namespaces = [ ]'
		echo 'cgroup_controllers = [ ]'
	} >"$lv/etc/qemu.conf"
	cp /etc/passwd "$lv/passwd"
	cp /etc/group "$lv/group"
	getent group libvirt-qemu >/dev/null || echo "libvirt-qemu:x:64055:" >>"$lv/group"
	getent passwd libvirt-qemu >/dev/null ||
		echo "libvirt-qemu:x:64055:64055:Libvirt Qemu:/var/lib/libvirt:/usr/sbin/nologin" >>"$lv/passwd"
	for d in /etc/libvirt /var/lib/libvirt /run/libvirt /var/log/libvirt /var/cache/libvirt; do
		[ -d "$d" ] || { mkdir -p "$d"; EP_LV_MADE_DIRS+=("$d"); }
	done
	{
		echo "set -e"
		# libvirt refuses to migrate to its own hostname or host UUID (a dotted
		# hostname is used as it is, with no DNS lookup)
		[ -z "$uuid" ] || echo "hostname 'ep-${uuid:0:8}.invalid'"
		echo "mount --make-rprivate /"
		echo "mount -t hugetlbfs nodev '$lv/hugepages'"
		echo "mount --bind '$lv/etc' /etc/libvirt"
		echo "mount --bind '$lv/lib' /var/lib/libvirt"
		echo "mount --bind '$lv/run' /run/libvirt"
		echo "mount --bind '$lv/log' /var/log/libvirt"
		echo "mount --bind '$lv/cache' /var/cache/libvirt"
		echo "mount --bind '$lv/passwd' /etc/passwd"
		echo "mount --bind '$lv/group' /etc/group"
		echo "exec libvirtd -f '$lv/etc/libvirtd.conf' -p '$lv/run/libvirtd.pid'"
	} >"$lv/start.sh"
	[ -z "$uuid" ] || uts=(--uts)
	ep_spawn "$log" unshare --mount "${uts[@]}" sh "$lv/start.sh"
	EP_LV_PID=$EP_LAST_PID
	EP_LV_DIRS+=("$lv")
	EP_LV_PIDS+=("$EP_LV_PID")
	for ((i = 0; i < 100; i++)); do
		ep_lvsh version >/dev/null 2>&1 && return 0
		kill -0 "$EP_LV_PID" 2>/dev/null || { echo "libvirtd exited: $(cat "$log")" >&2; return 1; }
		sleep 0.1
	done
	echo "private libvirtd does not answer on $lv/sock" >&2
	return 1
}

# ep_libvirtd_stop_one DIR PID: destroy its domains while libvirtd still runs,
# then libvirtd (by PID).
ep_libvirtd_stop_one() {
	local lv=$1 lvpid=$2 d pidf pid
	local EP_LV_URI="qemu:///system?socket=$lv/sock/libvirt-sock"
	if [ -S "$lv/sock/libvirt-sock" ]; then
		for d in $(ep_lvsh list --all --name 2>/dev/null); do
			ep_lvsh destroy "$d" >/dev/null 2>&1 || true
			ep_lvsh undefine "$d" --managed-save --snapshots-metadata >/dev/null 2>&1 || true
		done
	fi
	# A QEMU left behind by a dead libvirtd (run/qemu/driver.pid is libvirtd's own lock).
	for pidf in "$lv"/run/qemu/*.pid; do
		[ -f "$pidf" ] || continue
		pid=$(cat "$pidf" 2>/dev/null) || continue
		[[ "$pid" =~ ^[0-9]+$ ]] && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == qemu* ]] &&
			kill -9 "$pid" 2>/dev/null
	done
	ep_stop "$lvpid" 15
}

ep_libvirtd_cleanup() {
	local i d
	for ((i = ${#EP_LV_DIRS[@]} - 1; i >= 0; i--)); do
		ep_libvirtd_stop_one "${EP_LV_DIRS[$i]}" "${EP_LV_PIDS[$i]}"
	done
	for d in "${EP_LV_MADE_DIRS[@]}"; do rmdir "$d" 2>/dev/null || true; done
	EP_LV_DIRS=() EP_LV_PIDS=() EP_LV_MADE_DIRS=() EP_LV_PID="" EP_LV_URI="" EP_LV_PEER_URI=""
	return 0
}
