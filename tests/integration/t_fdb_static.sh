#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Static MAC entries: traffic to a static MAC goes to its port without any
# learning or flooding, the entry survives a restart and goes with its port
# (and out of the db), bad entries are refused, and a bridge's MAC table
# holds fdb_size entries and refuses the next one with a clear error.
. "$(dirname "$0")/lib.sh"

ep_vswitchd_start vsd
ctl add-br br0
for i in 0 1 2; do
	ctl add-port br0 vh$i type=vhost-user path="$EP_TMP/vh$i.sock"
done
ctl fdb-add br0 vh2 mac=02:00:00:00:00:99
socks=("$EP_TMP/vh0.sock" "$EP_TMP/vh1.sock" "$EP_TMP/vh2.sock")
out=$(ep_peer p1 "${socks[@]}" -- --send 0:500:02-00-00-00-00-99 --rate 20000 --rx-time 500)
assert_eq "$(peer_from "$out" 2 0)" 500 "frames to the static MAC reach vh2"
assert_eq "$(peer_from "$out" 1 0)" 0 "...and no other port (no flooding)"
entry() { ep_json "$(ctl --json fdb-show br0)" "[(e['port'], e['static']) for e in j['entries'] if e['mac']=='02:00:00:00:00:99']"; }
assert_eq "$(entry)" "[('vh2', True)]" "fdb-show lists it as static on vh2"

ep_stop "$EP_VSD_PID"
ep_vswitchd_start vsd2
assert_eq "$(entry)" "[('vh2', True)]" "the static entry survived a restart"
if ctl fdb-add br0 nosuch mac=02:00:00:00:00:98 2>"$EP_TMP/err"; then fail "unknown port accepted"; fi
grep -q "no port named nosuch" "$EP_TMP/err" || fail "unclear error: $(cat "$EP_TMP/err")"
if ctl fdb-add br0 vh1 mac=01:00:00:00:00:01 2>"$EP_TMP/err"; then fail "multicast MAC accepted"; fi
echo "ok: bad static entries refused ($(cat "$EP_TMP/err"))"
ctl del-port vh2
assert_eq "$(entry)" "[]" "deleting the port deletes its static entry"
grep -q "02:00:00:00:00:99" "$EP_TMP/vswitchd.json" && fail "the db still has it"
echo "ok: the db forgot it too"

# A full table: fdb_size 16, 40 source MACs -> 16 learned, the rest counted.
ctl add-br br1 fdb_size=16
ctl add-port br1 vb0 type=vhost-user path="$EP_TMP/vb0.sock"
ctl add-port br1 vb1 type=vhost-user path="$EP_TMP/vb1.sock"
for i in $(seq 10 49); do
	ctl call fdb.add "{\"bridge\":\"br1\",\"port\":\"vb0\",\"mac\":\"02:00:00:00:01:$i\"}" >/dev/null 2>&1 || break
done
n=$(ep_json "$(ctl --json fdb-show br1)" "len(j['entries'])")
assert_eq "$n" 16 "the table holds fdb_size entries"
if ctl fdb-add br1 vb0 mac=02:00:00:00:02:01 2>"$EP_TMP/err"; then fail "a full table took one more"; fi
grep -q "full" "$EP_TMP/err" || fail "unclear error: $(cat "$EP_TMP/err")"
echo "ok: full table refused: $(cat "$EP_TMP/err")"
