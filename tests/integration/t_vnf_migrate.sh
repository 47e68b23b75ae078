#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A real live migration of a running VNF between two "hosts" on this machine,
# through the agents' REST API. Each host is a private libvirtd (its own
# host_uuid and hostname), a vswitchd (br0, ep-peer ports p0 on access VLAN 10
# and p1 on VLAN 20) and an agent; both switches' PMDs share CPU 1, the guest
# runs on CPU 0 on either host.
#   create the bridge guest on A (as t_vnf_e2e) -> traffic through it on A's switch ->
#   POST /v1/vnfs/fw1/actions {"action": "migrate", "uri": B's libvirtd, "target_agent":
#   "unix:B's agent"} -> A's agent prepares on B (B's ports exist), libvirt migrates
#   peer to peer (QEMU's stream over TCP on 127.0.0.1), B finishes, A releases ->
#   the domain runs on B (not rebooted) and is gone from A, A's books are whole,
#   traffic through the guest on B's switch (>= 70% under TCG both times).
# Then a migration that libvirt refuses (an unreachable target libvirtd) leaves both
# agents whole and the guest running on B; DELETE on B leaves B whole; and a
# prepare on B (finish refused: no guest came) followed by DELETE
# /v1/migrations/NAME (abort) leaves B whole.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vnf_lib.sh"

N=${EP_GUEST_FRAMES:-1000}

# two switches (128 pages each), the guest on both sides while it moves, the peer
ep_hugepages 640
host_up b 0b0b0b0b-0000-4000-8000-00000000000b
LVB_PEER=$EP_LV_PEER_URI
BOOKS_B=$(books)
host_up a 0a0a0a0a-0000-4000-8000-00000000000a
BOOKS_A=$(books)
echo "books before: A: $BOOKS_A; B: $BOOKS_B"

# the VNF's domain state on HOST (libvirt), "absent" when it has none
domstate() ( on "$1"; lvsh domstate ep-fw1 --reason 2>/dev/null || echo absent )
# migrate LIBVIRT_URI HOST: the current host's agent migrates fw1 to HOST's agent, the
# guest to the libvirtd at LIBVIRT_URI (QEMU's stream over loopback)
migrate() {
	local target
	target=$(on "$2"; echo "unix:$EP_AGENT_SOCK")
	api POST /v1/vnfs/fw1/actions "{\"action\": \"migrate\", \"uri\": \"$1\",
		\"migrate_uri\": \"tcp://127.0.0.1\", \"target_agent\": \"$target\"}"
}

# ---- create on A, traffic through it there
on a
api POST /v1/vnfs "$(vnf fw1)"
[ "$CODE" = 201 ] || fail "POST fw1 on A: $CODE $BODY"
ID=$(ep_json "$BODY" "j['id']")
ACCEL=$(ep_json "$BODY" "j['accel']")
wait_console fw1 "EP-READY" 90 || fail "guest did not boot on A"
ep_wait_ports_up 10 fw1-0 fw1-1
traffic "$N"
CONSOLE_A=$STATE/console/fw1.log

# ---- migrate A -> B through A's agent
on a
t0=$(now)
migrate "$LVB_PEER" b
t1=$(now)
[ "$CODE" = 200 ] || fail "migrate A -> B: $CODE $BODY"
echo "ok: migrate A -> B: 200 in $(elapsed "$t0" "$t1") s: $BODY"
assert_eq "$(ep_json "$BODY" "j['target']")" finished "target finished"
assert_eq "$(domstate b)" "running (migrated)" "domain on B"
assert_eq "$(domstate a)" absent "domain on A"
on b
assert_eq "$(lvsh dominfo ep-fw1 | awk '/^Persistent:/ {print $2}')" yes "persistent on B"
assert_eq "$(lvsh dumpxml ep-fw1 | grep -c "path='$STATE/vhost/fw1-[01].sock'")" 2 \
	"B's domain on B's sockets (the target agent's dest XML)"
lvsh domjobinfo ep-fw1 --completed 2>/dev/null | grep -E "^(Time elapsed|Total downtime|Memory processed|Dirty rate)" |
	tr -s ' ' | sed 's/^/libvirt on B: /' || true
api GET /v1/vnfs/fw1
assert_eq "$CODE" 200 "GET fw1 on B"
assert_eq "$(ep_json "$BODY" "(j['state'], j['id'], j['vm']['state'], j['drift'])")" \
	"('allocated', '$ID', 'running', [])" "B's record: state, id, vm, drift"
ep_wait_ports_up 10 fw1-0 fw1-1
api GET /v1/vnfs/fw1
assert_eq "$(ep_json "$BODY" "[(p['name'], p['link']) for p in j['ports']]")" \
	"[('fw1-0', 'up'), ('fw1-1', 'up')]" "B's ports"
on a
api GET /v1/vnfs/fw1
assert_eq "$CODE" 404 "GET fw1 on A"
assert_eq "$(books)" "$BOOKS_A" "A's books after the migration"

# the same guest, not rebooted: its console on B (a new file, B's QEMU) has no boot
on b
traffic "$N"
[ -f "$STATE/console/fw1.log" ] || fail "no console file on B"
assert_eq "$(grep -c EP-INIT "$STATE/console/fw1.log" || true)" 0 "boots on B's console"
assert_eq "$(grep -c EP-INIT "$CONSOLE_A" || true)" 1 "boots on A's console"

# ---- a migration libvirt refuses (B -> a libvirtd that is not there): both sides whole
BOOKS_B1=$(books)
migrate "qemu+unix:///system?socket=$EP_TMP/nowhere" a
assert_eq "$CODE" 500 "migrate B -> nowhere"
echo "refused: $(ep_json "$BODY" "j['error']['message']")"
assert_eq "$(books)" "$BOOKS_B1" "B's books after the failed migration"
on a
assert_eq "$(books)" "$BOOKS_A" "A's books after the failed migration (target aborted)"
assert_eq "$(domstate b)" "running (migrated)" "domain on B after the failed migration"

# ---- DELETE on B: B is whole
on b
api DELETE /v1/vnfs/fw1
assert_eq "$CODE" 204 "DELETE fw1 on B"
assert_eq "$(books)" "$BOOKS_B" "B's books after delete"

# ---- prepare on B, then abort: B is whole
api POST /v1/migrations "{\"descriptor\": $(vnf fw2), \"id\": \"$ID\", \"accel\": \"$ACCEL\"}"
assert_eq "$CODE" 201 "prepare fw2 on B"
assert_eq "$(ep_json "$BODY" "j['vnf']['state']")" incoming "fw2's state on B"
[ "$(books)" != "$BOOKS_B" ] || fail "prepare took nothing on B"
api POST /v1/migrations/fw2/finish '{}'
assert_eq "$CODE $(ep_json "$BODY" "j['error']['code']")" "409 not_migrated" "finish without a migration"
api DELETE /v1/migrations/fw2
assert_eq "$CODE" 204 "abort fw2 on B"
assert_eq "$(books)" "$BOOKS_B" "B's books after the abort"
