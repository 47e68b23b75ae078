# SPDX-License-Identifier: BSD-3-Clause
# QEMU test guests for edgeplane's tests (docs/guests.md). Source after common.sh.
#
#   ep_guest_check                      0 if guests can run here, else prints why (exit 77 with it)
#   ep_guest_image                      builds/reuses the image (scripts/guest-image), sets EP_GUEST_KERNEL/INITRD
#   ep_guest_start NAME SOCK... -- CMDLINE-EXTRA
#       SOCK = [server:]PATH[,queues=Q]: one virtio-net-pci per vhost-user socket. Plain PATH:
#       QEMU is the vhost-user client (the switch port type=vhost-user must exist first);
#       server:PATH: QEMU owns the socket (switch port type=vhost-user-client; QEMU blocks
#       its start-up until the switch connects). NIC i gets MAC $EP_GUEST_MAC_BASE:0i.
#   ep_guest_wait NAME ERE TIMEOUT      prints the first console line matching ERE; fails on timeout/exit
#   ep_guest_count NAME ERE             number of console lines matching ERE so far
#   ep_guest_exec NAME TIMEOUT CMD      runs CMD in the guest (second serial port), prints its output
#   ep_guest_elapsed NAME               seconds since ep_guest_start NAME
#   ep_guest_stop NAME                  SIGTERM then SIGKILL, by PID (also reaps a QEMU already dead)
#
# Environment: EP_GUEST_ACCEL=auto|tcg|kvm (auto: KVM only if a cached probe boot proved it
# works), EP_GUEST_CPU (host CPU for QEMU, default 0: never the switch's PMD core 1),
# EP_GUEST_MEM (MiB, default 256), EP_GUEST_DIR (image cache), EP_GUEST_MAC_BASE.

EP_GUEST_DIR=${EP_GUEST_DIR:-/var/cache/edgeplane/guest}
EP_GUEST_MEM=${EP_GUEST_MEM:-256}
EP_GUEST_CPU=${EP_GUEST_CPU:-0}
EP_GUEST_MAC_BASE=${EP_GUEST_MAC_BASE:-52:54:00:e9:00}
EP_QEMU=${EP_QEMU:-qemu-system-x86_64}

ep_guest_check() {
	command -v "$EP_QEMU" >/dev/null || { echo "no $EP_QEMU (apt-get install qemu-system-x86)"; return 1; }
	[ -x /bin/busybox ] && dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q "ok installed" ||
		{ echo "busybox-static not installed (scripts/install-deps.sh)"; return 1; }
	[ -e /usr/share/seabios/bios-256k.bin ] || [ -e /usr/share/qemu/bios-256k.bin ] ||
		{ echo "no SeaBIOS for QEMU (apt-get install seabios)"; return 1; }
	if [ ! -f "$EP_GUEST_DIR/stamp" ] && ! apt-cache depends linux-image-amd64 2>/dev/null | grep -q Depends; then
		echo "no cached guest image in $EP_GUEST_DIR and apt cannot resolve linux-image-amd64"
		return 1
	fi
	return 0
}

ep_guest_image() {
	"$EP_ROOT/scripts/guest-image" --quiet --out "$EP_GUEST_DIR" >/dev/null || return 1
	if [ -f "$EP_GUEST_DIR/vmlinux" ] && [ -z "${EP_GUEST_USE_VMLINUZ:-}" ]; then
		EP_GUEST_KERNEL=$EP_GUEST_DIR/vmlinux
	else
		EP_GUEST_KERNEL=$EP_GUEST_DIR/vmlinuz
	fi
	EP_GUEST_INITRD=$EP_GUEST_DIR/initrd.cpio
}

# ep_guest_accel: prints tcg or kvm. A KVM probe boot runs once per host boot
# (and QEMU/image version); its answer is cached in $EP_GUEST_DIR/accel.
ep_guest_accel() {
	local want=${EP_GUEST_ACCEL:-auto} key line out rc
	case $want in
	tcg|kvm) echo "$want"; return 0 ;;
	esac
	[ -r /dev/kvm ] && [ -w /dev/kvm ] || { echo tcg; return 0; }
	key="$(cat /proc/sys/kernel/random/boot_id) $("$EP_QEMU" --version | head -1 | tr -cd '0-9.') $(cksum <"$EP_GUEST_DIR/stamp" | cut -d' ' -f1)"
	if [ -f "$EP_GUEST_DIR/accel" ]; then
		line=$(cat "$EP_GUEST_DIR/accel")
		[ "${line% *}" = "$key" ] && { echo "${line##* }"; return 0; }
	fi
	out=$(mktemp)
	timeout -k 2 15 taskset -c "$EP_GUEST_CPU" "$EP_QEMU" -nodefaults -no-user-config -M pc \
		-accel kvm -cpu host -m 128M -smp 1 -display none -no-reboot -serial "file:$out" \
		-monitor none -kernel "$EP_GUEST_KERNEL" -initrd "$EP_GUEST_INITRD" \
		-append "console=ttyS0 panic=-1 loglevel=4 ep.role=probe" >/dev/null 2>&1
	if grep -q "EP-READY" "$out"; then rc=kvm; else rc=tcg; fi
	rm -f "$out"
	echo "$key $rc" >"$EP_GUEST_DIR/accel"
	echo "$rc"
}

declare -A EP_GUEST_PID=()

ep_guest_start() {
	local name=$1; shift
	local socks=() extra=() i=0 s path q srv accel cpu append log
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do socks+=("$1"); shift; done
	[ "${1:-}" = "--" ] && shift
	extra=("$@")
	[ -n "${EP_GUEST_KERNEL:-}" ] || ep_guest_image || return 1
	accel=$(ep_guest_accel)
	if [ "$accel" = kvm ]; then cpu=host; else cpu=max; fi
	local args=(-name "$name" -nodefaults -no-user-config -M pc -accel "$accel" -cpu "$cpu"
		-m "${EP_GUEST_MEM}M" -smp 1
		-object "memory-backend-memfd,id=mem,size=${EP_GUEST_MEM}M,share=on" -numa node,memdev=mem
		-nographic -no-reboot -serial stdio
		-serial "unix:$EP_TMP/$name.cmd.sock,server=on,wait=off" -monitor none
		-kernel "$EP_GUEST_KERNEL" -initrd "$EP_GUEST_INITRD")
	for s in "${socks[@]}"; do
		srv="" q=1 path=$s
		case $path in server:*) srv=",server=on,wait=off"; path=${path#server:} ;; esac
		case $path in *,queues=*) q=${path##*,queues=}; path=${path%,queues=*} ;; esac
		[ -n "$srv" ] && rm -f "$path" # a stale socket file makes the bind fail
		local dev="virtio-net-pci,netdev=n$i,mac=$EP_GUEST_MAC_BASE:$(printf %02x $((i + 1))),romfile="
		[ "$q" -gt 1 ] && dev+=",mq=on,vectors=$((2 * q + 2))"
		args+=(-chardev "socket,id=c$i,path=$path$srv"
			-netdev "vhost-user,id=n$i,chardev=c$i,queues=$q"
			-device "$dev")
		i=$((i + 1))
	done
	# TCG: QEMU 7.2 segfaults when a guest starts virtio-net on vhost-user with MSI-X
	append="console=ttyS0 panic=-1 loglevel=4"
	[ "$accel" = tcg ] && append+=" pci=nomsi"
	append+=" ${extra[*]}"
	log=$EP_TMP/$name.console.log
	rm -f "$EP_TMP/$name.cmd.sock"
	date +%s.%N >"$EP_TMP/$name.start"
	echo "$EP_QEMU ${args[*]} -append \"$append\"" >"$EP_TMP/$name.cmdline"
	ep_spawn "$log" taskset -c "$EP_GUEST_CPU" "$EP_QEMU" "${args[@]}" -append "$append"
	EP_GUEST_PID[$name]=$EP_LAST_PID
	echo "$EP_LAST_PID" >"$EP_TMP/$name.pid"
	ep_log "guest $name: pid $EP_LAST_PID, $accel, ${#socks[@]} NIC(s), console $log"
}

ep_guest_pid() { cat "$EP_TMP/$1.pid"; }

ep_guest_elapsed() {
	python3 -c "import sys,time; print('%.2f' % (time.time() - float(sys.argv[1])))" "$(cat "$EP_TMP/$1.start")"
}

ep_guest_count() {
	tr -d '\r' <"$EP_TMP/$1.console.log" 2>/dev/null | grep -cE "$2" || true
}

ep_guest_wait() {
	local name=$1 re=$2 t=$3 i pid line
	pid=$(ep_guest_pid "$name")
	for ((i = 0; i < t * 10; i++)); do
		line=$(tr -d '\r' <"$EP_TMP/$name.console.log" 2>/dev/null | grep -m1 -E "$re" || true)
		[ -n "$line" ] && { echo "$line"; return 0; }
		if ! kill -0 "$pid" 2>/dev/null; then
			# one last look: the line may have come just before the exit
			line=$(tr -d '\r' <"$EP_TMP/$name.console.log" | grep -m1 -E "$re" || true)
			[ -n "$line" ] && { echo "$line"; return 0; }
			echo "guest $name exited before printing /$re/" >&2
			return 1
		fi
		sleep 0.1
	done
	echo "timeout: guest $name did not print /$re/ in ${t}s" >&2
	return 1
}

ep_guest_exec() {
	local name=$1 t=$2; shift 2
	# timeout: the socket's own timeouts bound it already; this bounds
	# anything else (a CI run once lost its whole budget at this step).
	timeout -k 5 $((t * 2 + 10)) python3 - "$EP_TMP/$name.cmd.sock" "$t" "$*" <<'EOF'
import os, socket, sys, time
path, t, cmd = sys.argv[1], float(sys.argv[2]), sys.argv[3]
tag = "t%d" % os.getpid()
s = socket.socket(socket.AF_UNIX)
s.settimeout(t)
s.connect(path)
s.sendall(("%s %s\n" % (tag, cmd)).encode())
buf, end = b"", time.time() + t
while time.time() < end:
    try:
        d = s.recv(65536)
    except socket.timeout:
        break
    if not d:
        break
    buf += d
    text = buf.decode(errors="replace").replace("\r", "")
    mark = "EP-DONE %s " % tag
    if mark in text:
        out, rest = text.split(mark, 1)
        if "\n" in rest:
            sys.stdout.write(out)
            sys.exit(int(rest.split("\n", 1)[0]))
sys.stdout.write(buf.decode(errors="replace"))
print("ep_guest_exec: timeout after %ss" % t, file=sys.stderr)
sys.exit(124)
EOF
}

ep_guest_stop() {
	local pid
	pid=$(ep_guest_pid "$1" 2>/dev/null) || return 0
	# "|| true": ep_stop's wait returns QEMU's status (137 after a kill -9),
	# which would end a set -e caller
	ep_stop "$pid" 5 || true
	rm -f "$EP_TMP/$1.cmd.sock"
}
