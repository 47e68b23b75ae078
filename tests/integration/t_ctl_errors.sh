#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# edgeplane-ctl and vswitchd error handling: every refused command exits
# non-zero (2 for a usage error caught by edgeplane-ctl, 1 for a refusal by
# the daemon) with nothing on stdout and exactly one line
# "edgeplane-ctl: <reason>" on stderr, and changes nothing: `show --json` and
# the db file are the same before and after. Raw JSON-RPC garbage on the
# socket gets a protocol error and the daemon keeps serving; when the db
# cannot be written a change is refused and undone; valid VLAN and aging
# changes reach both `show` and the db; with the daemon gone every command
# says it cannot connect.
#
# Every check runs and is reported (ok:/FAIL:); the test fails at the end if
# any did.
. "$(dirname "$0")/lib.sh"

DB=$EP_TMP/vswitchd.json
SOCK=$EP_TMP/run/vswitchd.sock
FAILS=()

bad() {
	FAILS+=("$*")
	echo "FAIL: $*" >&2
}

# expect_fail RC WANT CMD...: `ctl CMD...` exits RC, prints nothing on stdout
# and one line "edgeplane-ctl: ...WANT..." on stderr, and changes neither
# `ctl --json show` nor the db file. With NOSHOW=1 `show` is not compared
# (the daemon is down).
expect_fail() {
	local rc_want=$1 want=$2; shift 2
	local what="ctl $*" show0="" show1="" db0 db1 out err rc nl
	local errf=$EP_TMP/ctl.err

	[ -n "${NOSHOW:-}" ] || show0=$(ctl --json show)
	db0=$(sha256sum <"$DB")
	if out=$(ctl "$@" 2>"$errf"); then rc=0; else rc=$?; fi
	err=$(cat "$errf")
	nl=$(wc -l <"$errf")
	[ -n "${NOSHOW:-}" ] || show1=$(ctl --json show)
	db1=$(sha256sum <"$DB")

	local ok=1
	[ "$rc" = "$rc_want" ] || { bad "$what: exit status $rc, expected $rc_want"; ok=0; }
	[ -z "$out" ] || { bad "$what: stdout not empty: $out"; ok=0; }
	if [ "$nl" != 1 ] || [ "$(tail -c 1 "$errf" | od -An -c | tr -d ' ')" != '\n' ]; then
		bad "$what: stderr is not exactly one line: '$err'"
		ok=0
	fi
	case "$err" in
	"edgeplane-ctl: "*) ;;
	*) bad "$what: stderr does not start with 'edgeplane-ctl: ': '$err'"; ok=0 ;;
	esac
	case "$err" in
	*"$want"*) ;;
	*) bad "$what: stderr '$err' does not contain '$want'"; ok=0 ;;
	esac
	[ "$show0" = "$show1" ] || {
		bad "$what: show changed: $(diff <(echo "$show0") <(echo "$show1") | grep '^[<>]' |
			tr -s ' \n' ' ')"
		ok=0
	}
	[ "$db0" = "$db1" ] || { bad "$what: the db file changed"; ok=0; }
	[ $ok = 0 ] || echo "ok: $what -> $rc: $err"
}

# check DESC EXPR-RESULT WANT
check() {
	if [ "$2" = "$3" ]; then
		echo "ok: $1 ($2)"
	else
		bad "$1: expected '$3', got '$2'"
	fi
}

# show_json EXPR: evaluate EXPR on `ctl --json show` (j); db_json EXPR: on the db.
show_json() { ep_json "$(ctl --json show)" "$1"; }
db_json() { ep_json "$(cat "$DB")" "$1"; }
# port P: the port named $P in j, as a Python expression
port() { echo "[p for b in j['bridges'] for p in b['ports'] if p['name']=='$1'][0]"; }
bridge() { echo "[b for b in j['bridges'] if b['name']=='$1'][0]"; }

# The db holds exactly what `show` shows, less the run-time fields.
db_matches_show() {
	local r
	r=$(python3 - "$(ctl --json show)" "$DB" <<'EOF'
import json, sys
show = json.loads(sys.argv[1])
db = json.load(open(sys.argv[2]))
for b in show["bridges"]:
    for p in b["ports"]:
        p.pop("id", None)
        p.pop("state", None)
# The db also keeps what show does not list (static MACs, flows, meters,
# mirrors; empty here).
for b in db.get("bridges", []):
    for k in ("static_macs", "flows", "meters", "mirrors"):
        if b.get(k) == []:
            b.pop(k)
print("same" if show["bridges"] == db.get("bridges") else
      "differ: show %s db %s" % (json.dumps(show["bridges"]), json.dumps(db.get("bridges"))))
EOF
	)
	check "db file matches show ($1)" "$r" same
}

# rpc_raw MODE: talk JSON-RPC by hand; prints the error codes it got back.
cat >"$EP_TMP/rpc_raw.py" <<'EOF'
import json, socket, sys

path, mode = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)
s.settimeout(10)
if mode == "garbage":
    msg = b"this is not json\n"
elif mode == "truncated":
    msg = b'{"jsonrpc": "2.0", "id": 1, "method": "bridge.list"\n'
elif mode == "version":
    msg = b'{"jsonrpc": "1.0", "id": 2, "method": "bridge.list"}\n'
elif mode == "noversion":
    msg = b'{"id": 3, "method": "bridge.list"}\n'
elif mode == "nomethod":
    msg = b'{"jsonrpc": "2.0", "id": 4}\n'
elif mode == "params":
    msg = b'{"jsonrpc": "2.0", "id": 5, "method": "bridge.add", "params": "br7"}\n'
elif mode == "emptybatch":
    msg = b"[]\n"
elif mode == "big":
    msg = (b'{"jsonrpc": "2.0", "id": 7, "method": "bridge.add", "params": {"name": "'
           + b"a" * (2 * 1024 * 1024) + b'"}}\n')
elif mode == "partial":
    # half a request, then hang up: nothing to answer
    s.sendall(b'{"jsonrpc": "2.0", "id": 8, "method": "bridge.add", "params": {"na')
    s.close()
    print("closed")
    sys.exit(0)
else:
    sys.exit("unknown mode " + mode)
try:
    s.sendall(msg)
except (BrokenPipeError, ConnectionResetError):
    pass    # the server may close while a too large line is still being sent
buf = b""
try:
    while not buf.endswith(b"\n"):
        d = s.recv(65536)
        if not d:
            break
        buf += d
except (ConnectionResetError, socket.timeout):
    pass
codes = []
for line in buf.splitlines():
    r = json.loads(line)
    for m in (r if isinstance(r, list) else [r]):
        codes.append(str(m["error"]["code"]) if "error" in m else "result")
print(",".join(codes) if codes else "nothing")
EOF

rpc_raw() {
	local mode=$1 want=$2 show0 db0 got
	show0=$(ctl --json show | sha256sum)
	db0=$(sha256sum <"$DB")
	got=$(python3 "$EP_TMP/rpc_raw.py" "$SOCK" "$mode") || got="python failed"
	check "raw JSON-RPC '$mode' answered" "$got" "$want"
	kill -0 "$EP_VSD_PID" 2>/dev/null || { bad "vswitchd died after raw '$mode'"; return; }
	check "show unchanged after raw '$mode'" "$(ctl --json show | sha256sum)" "$show0"
	check "db unchanged after raw '$mode'" "$(sha256sum <"$DB")" "$db0"
}

# ---------------------------------------------------------------------------
ep_vswitchd_start vsd
ctl add-br br0
ctl add-br br1 aging=60
ctl add-port br0 vh0 type=vhost-user path="$EP_TMP/vh0.sock"
ctl add-port br0 d0 type=dpdk devargs=net_null0
ctl add-port br1 vb1 type=vhost-user path="$EP_TMP/vb1.sock" vlan_mode=trunk trunks=10,20
ctl show
db_matches_show "after set-up"

echo "== unknown bridge"
expect_fail 1 "no bridge named nobr" add-port nobr p1 type=vhost-user path="$EP_TMP/p1.sock"
expect_fail 1 "no bridge named nobr" del-br nobr
expect_fail 1 "no bridge named nobr" fdb-show nobr
expect_fail 1 "no bridge named nobr" fdb-flush nobr
expect_fail 1 "no bridge named nobr" set-br nobr aging=10
expect_fail 1 "no bridge named nobr" list-ports nobr
[ ! -e "$EP_TMP/p1.sock" ] || bad "a refused add-port left its socket $EP_TMP/p1.sock"

echo "== duplicates"
expect_fail 1 "bridge br0 already exists" add-br br0
expect_fail 1 "port vh0 already exists" add-port br0 vh0 type=vhost-user path="$EP_TMP/x.sock"
expect_fail 1 "port vh0 already exists" add-port br1 vh0 type=vhost-user path="$EP_TMP/x.sock"
expect_fail 1 "port d0 already exists" add-port br0 d0 type=dpdk devargs=net_null5
expect_fail 1 "port vh0 already uses $EP_TMP/vh0.sock" \
	add-port br0 vh9 type=vhost-user path="$EP_TMP/vh0.sock"
expect_fail 1 "port vh0 already uses $EP_TMP/vh0.sock" \
	add-port br1 vh9 type=vhost-user-client path="$EP_TMP/vh0.sock"
expect_fail 1 "port d0 already uses net_null0" add-port br1 d9 type=dpdk devargs=net_null0
expect_fail 1 "port vb1 already uses $EP_TMP/vb1.sock" set-port vh0 path="$EP_TMP/vb1.sock"
# a port may not take a bridge's name, nor a bridge a port's
expect_fail 1 "br1 is the name of a bridge" add-port br0 br1 type=vhost-user path="$EP_TMP/x.sock"
expect_fail 1 "a port named vh0 already exists" add-br vh0

echo "== bad devargs"
expect_fail 1 "cannot probe device 'net_nonexistent0'" \
	add-port br0 d1 type=dpdk devargs=net_nonexistent0
expect_fail 1 "cannot probe device 'garbage,,'" add-port br0 d1 type=dpdk 'devargs=garbage,,'
expect_fail 1 "cannot probe device 'net_null7,bogus=1'" \
	add-port br0 d1 type=dpdk devargs=net_null7,bogus=1
# nothing half-probed is left behind: the same refusal again, then it works
expect_fail 1 "cannot probe device 'net_null7,bogus=1'" \
	add-port br0 d1 type=dpdk devargs=net_null7,bogus=1
expect_fail 1 "cannot probe device 'garbage,,'" set-port d0 'devargs=garbage,,'
check "d0 still up after a refused devargs change" \
	"$(show_json "$(port d0)['state']")" up
expect_fail 2 "does not take devargs" \
	add-port br0 p2 type=vhost-user path="$EP_TMP/p2.sock" devargs=net_null0
expect_fail 1 "port vh0: type vhost-user takes no devargs" set-port vh0 devargs=net_null0

echo "== bad VLAN"
P2=(add-port br0 p2 type=vhost-user path="$EP_TMP/p2.sock")
expect_fail 2 "bad value '0' for tag" "${P2[@]}" tag=0
expect_fail 2 "bad value '4096' for tag" "${P2[@]}" tag=4096
expect_fail 2 "bad value '5-2' for trunks" "${P2[@]}" trunks=5-2
expect_fail 2 "bad value '1,4096' for trunks" "${P2[@]}" trunks=1,4096
expect_fail 2 "bad value 'bogus' for vlan_mode" "${P2[@]}" vlan_mode=bogus
expect_fail 1 "trunks are not allowed in access mode" "${P2[@]}" vlan_mode=access tag=5 trunks=5
expect_fail 1 "trunks are not allowed in access mode" "${P2[@]}" tag=5 trunks=5
expect_fail 1 "access port needs tag 1..4095" "${P2[@]}" vlan_mode=access
expect_fail 1 "native port needs tag 1..4095" "${P2[@]}" vlan_mode=native-tagged
expect_fail 1 "trunk port must not have a tag" "${P2[@]}" vlan_mode=trunk tag=5
expect_fail 1 "trunk port must not have a tag" set-port vh0 vlan_mode=trunk tag=5
expect_fail 1 "trunks are not allowed in access mode" set-port vb1 tag=5
expect_fail 2 "bad value '0' for tag" set-port vh0 tag=0
expect_fail 1 "'tag' 0 out of range 1..4095" call port.set '{"name": "vh0", "tag": 0}'
expect_fail 1 "'tag' 4096 out of range 1..4095" call port.set '{"name": "vh0", "tag": 4096}'
expect_fail 1 "'trunks' entry 1 is not a VLAN id 0..4095" \
	call port.set '{"name": "vb1", "trunks": [1, 4096]}'
expect_fail 1 "unknown vlan_mode 'bogus'" call port.set '{"name": "vh0", "vlan_mode": "bogus"}'

echo "== bad mtu and queues"
expect_fail 2 "bad value '67' for mtu" "${P2[@]}" mtu=67
expect_fail 2 "bad value '9711' for mtu" "${P2[@]}" mtu=9711
expect_fail 2 "bad value 'big' for mtu" set-port vh0 mtu=big
expect_fail 2 "bad value '0' for mtu" set-port vh0 mtu=0
expect_fail 1 "'mtu' 10000 out of range 68..9710" call port.set '{"name": "vh0", "mtu": 10000}'
expect_fail 1 "'mtu' must be an integer" call port.set '{"name": "vh0", "mtu": "1500"}'
expect_fail 2 "bad value '9' for n_rxq (expected an integer 1..8)" set-port vh0 n_rxq=9
expect_fail 1 "'n_rxq' 9 out of range 1..8" call port.set '{"name": "vh0", "n_rxq": 9}'
expect_fail 2 "bad value '0' for n_rxq" set-port vh0 n_rxq=0

echo "== unknown keys, missing keys"
expect_fail 2 "unknown key 'color'" "${P2[@]}" color=red
expect_fail 1 "unknown key 'color'" call port.add \
	"{\"bridge\": \"br0\", \"name\": \"p2\", \"type\": \"vhost-user\", \"path\": \"$EP_TMP/p2.sock\", \"color\": \"red\"}"
expect_fail 1 "unknown key 'stp'" call bridge.add '{"name": "br5", "stp": true}'
expect_fail 1 "unknown key 'ports'" call bridge.set '{"name": "br0", "ports": []}'
expect_fail 1 "unknown key 'bridge'" call port.set '{"name": "vh0", "bridge": "br1"}'
expect_fail 1 "unknown key 'force'" call port.del '{"name": "vh0", "force": true}'
expect_fail 2 "missing required key 'type'" add-port br0 p2 path="$EP_TMP/p2.sock"
expect_fail 1 "missing 'type'" call port.add "{\"bridge\": \"br0\", \"name\": \"p2\", \"path\": \"$EP_TMP/p2.sock\"}"
expect_fail 1 "missing 'bridge'" call port.add "{\"name\": \"p2\", \"type\": \"vhost-user\", \"path\": \"$EP_TMP/p2.sock\"}"
expect_fail 1 "missing 'name'" call bridge.add '{}'
expect_fail 1 "port p2: type dpdk needs devargs" call port.add '{"bridge": "br0", "name": "p2", "type": "dpdk"}'
expect_fail 1 "port p2: type vhost-user needs an absolute socket path" \
	call port.add '{"bridge": "br0", "name": "p2", "type": "vhost-user", "path": "p2.sock"}'
expect_fail 1 "unknown port type 'tap'" \
	call port.add '{"bridge": "br0", "name": "p2", "type": "tap", "path": "/x"}'

echo "== unknown ports, set-port that changes nothing valid"
expect_fail 1 "no port named nope" del-port nope
expect_fail 1 "no port named nope" set-port nope mtu=1600
expect_fail 1 "no port named nope" port-stats nope
expect_fail 1 "no port named nope on bridge br0" fdb-flush br0 nope
expect_fail 1 "no port named vb1 on bridge br0" fdb-flush br0 vb1
expect_fail 2 "nothing to set" set-port vh0
expect_fail 2 "unknown key 'type'" set-port vh0 type=dpdk
expect_fail 1 "the type of a port cannot change" call port.set '{"name": "vh0", "type": "dpdk"}'
expect_fail 1 "needs an absolute socket path" set-port vh0 path=rel.sock
expect_fail 1 "cannot start vhost-user socket /nonexistent/dir/x.sock" \
	set-port vh0 path=/nonexistent/dir/x.sock
[ -S "$EP_TMP/vh0.sock" ] || bad "vh0's socket is gone after a refused path change"

echo "== invalid names"
for n in -x .x 'a b' 'a/b' 'a:b' aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ''; do
	expect_fail 2 "invalid bridge name '$n'" add-br "$n"
	expect_fail 2 "invalid port name '$n'" add-port br0 "$n" type=vhost-user path="$EP_TMP/n.sock"
done
expect_fail 1 "invalid bridge name '-x'" call bridge.add '{"name": "-x"}'
expect_fail 1 "invalid bridge name 'a b'" call bridge.add '{"name": "a b"}'
expect_fail 1 "'name' is too long (at most 31 bytes)" \
	call bridge.add '{"name": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}'
expect_fail 1 "invalid port name '.p'" \
	call port.add '{"bridge": "br0", "name": ".p", "type": "vhost-user", "path": "/tmp/x"}'
expect_fail 1 "'name' must be a string" call bridge.add '{"name": 7}'

echo "== call"
expect_fail 1 "method not found: no.such.method" call no.such.method '{}'
expect_fail 2 "invalid JSON params" call port.add '{"bridge": "br0", "name":'
expect_fail 2 "invalid JSON params" call port.add 'nonsense'
expect_fail 2 "must be a JSON object or array" call port.add '42'
expect_fail 1 "params must be a JSON object" call port.add '[]'
expect_fail 1 "params must be a JSON object" call port.add '["br0", "p2"]'
# without params too (sent with no "params" member)
expect_fail 1 "method not found: no.such.method" call no.such.method

echo "== raw JSON-RPC garbage"
rpc_raw garbage -32700
rpc_raw truncated -32700
rpc_raw version -32600
rpc_raw noversion -32600
rpc_raw nomethod -32600
rpc_raw params -32600
rpc_raw emptybatch -32600
rpc_raw big -32600
rpc_raw partial closed
rpc_raw garbage -32700
ctl show >/dev/null || bad "ctl show fails after the raw garbage"
check "vswitchd still serves after the raw garbage" "$(show_json "len(j['bridges'])")" 2

echo "== valid changes reach show and the db"
ctl set-port vh0 vlan_mode=access tag=10
check "show: vh0 access" "$(show_json "$(port vh0)['vlan_mode']")" access
check "show: vh0 tag 10" "$(show_json "$(port vh0)['tag']")" 10
check "db: vh0 access" "$(db_json "$(port vh0)['vlan_mode']")" access
check "db: vh0 tag 10" "$(db_json "$(port vh0)['tag']")" 10
ctl set-port vh0 tag=20
check "show: vh0 tag 20" "$(show_json "$(port vh0)['tag']")" 20
check "db: vh0 tag 20" "$(db_json "$(port vh0)['tag']")" 20
ctl set-port vb1 trunks=30,40-42
check "show: vb1 trunks" "$(show_json "$(port vb1)['trunks']")" "[30, 40, 41, 42]"
check "db: vb1 trunks" "$(db_json "$(port vb1)['trunks']")" "[30, 40, 41, 42]"
ctl set-port vb1 trunks=
check "show: vb1 trunks cleared" "$(show_json "'trunks' in $(port vb1)")" False
check "db: vb1 trunks cleared" "$(db_json "'trunks' in $(port vb1)")" False
ctl set-port vh0 vlan_mode=trunk
check "show: vh0 back to trunk" "$(show_json "$(port vh0)['vlan_mode']")" trunk
check "show: vh0 has no tag" "$(show_json "'tag' in $(port vh0)")" False
check "db: vh0 has no tag" "$(db_json "'tag' in $(port vh0)")" False
ctl set-br br0 aging=42
check "show: br0 aging 42" "$(show_json "$(bridge br0)['aging']")" 42
check "db: br0 aging 42" "$(db_json "$(bridge br0)['aging']")" 42
check "show: br1 aging untouched" "$(show_json "$(bridge br1)['aging']")" 60
ctl set-br br0 aging=0 fdb_size=1024
check "show: br0 aging 0" "$(show_json "$(bridge br0)['aging']")" 0
check "db: br0 fdb_size 1024" "$(db_json "$(bridge br0)['fdb_size']")" 1024
db_matches_show "after the valid changes"

echo "== the db cannot be written: every change is refused and undone"
# a directory where the daemon writes its temp file makes every save fail
mkdir "$DB.tmp.$EP_VSD_PID"
expect_fail 1 "cannot create $DB.tmp" add-br br9
expect_fail 1 "cannot create $DB.tmp" set-br br0 aging=77
expect_fail 1 "cannot create $DB.tmp" add-port br0 vh9 type=vhost-user path="$EP_TMP/vh9.sock"
expect_fail 1 "cannot create $DB.tmp" set-port vh0 mtu=1234
expect_fail 1 "cannot create $DB.tmp" set-port vh0 path="$EP_TMP/vh0b.sock"
expect_fail 1 "cannot create $DB.tmp" del-port vb1
expect_fail 1 "cannot create $DB.tmp" del-br br1
[ ! -e "$EP_TMP/vh9.sock" ] || bad "a refused add-port left its socket $EP_TMP/vh9.sock"
[ ! -e "$EP_TMP/vh0b.sock" ] || bad "a refused path change left the new socket $EP_TMP/vh0b.sock"
[ -S "$EP_TMP/vb1.sock" ] || bad "a refused del-port closed vb1's socket"
rmdir "$DB.tmp.$EP_VSD_PID"
db_matches_show "after the refused saves"

echo "== the daemon is gone"
ep_stop "$EP_VSD_PID"
[ ! -e "$SOCK" ] || bad "vswitchd left its socket behind after SIGTERM"
NOSHOW=1
for cmd in "show" "add-br br7" "del-br br0" "set-br br0 aging=5" \
	"add-port br0 p3 type=vhost-user path=$EP_TMP/p3.sock" "set-port vh0 mtu=1600" \
	"del-port vh0" "list-ports" "port-stats" "fdb-show br0" "fdb-flush br0" "pmd-stats" \
	"pmd-rxq-show" "version"; do
	read -ra args <<<"$cmd"
	expect_fail 1 "cannot connect to $SOCK" "${args[@]}"
	expect_fail 1 "(is edgeplane-vswitchd running?)" "${args[@]}"
done
expect_fail 1 "cannot connect to $SOCK" call system.version '{}'
# a stale socket nobody listens on: refused, same message
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$SOCK"
expect_fail 1 "cannot connect to $SOCK" show
expect_fail 1 "cannot connect to $SOCK" add-br br7
unset NOSHOW

if [ ${#FAILS[@]} -gt 0 ]; then
	echo "${#FAILS[@]} check(s) failed:" >&2
	printf '  %s\n' "${FAILS[@]}" >&2
	exit 1
fi
echo "all checks passed"
