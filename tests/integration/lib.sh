# SPDX-License-Identifier: BSD-3-Clause
# Preamble of every integration test: helpers, assertions, cleanup on exit.
# A test exits 0 on pass, 77 to skip (with a reason on its last line), else fails.
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/lib/common.sh"

[ "$(id -u)" -eq 0 ] || { echo "needs root"; exit 77; }
[ -x "$EP_VSWITCHD" ] || { echo "not built: $EP_VSWITCHD"; exit 1; }

ep_tmpdir "$(basename "$0" .sh)"
trap 'rc=$?; [ $rc -ne 0 ] && [ $rc -ne 77 ] && ep_dump_logs; ep_cleanup; exit $rc' EXIT

ep_dump_logs() {
	local f
	for f in "$EP_TMP"/*.log "$EP_TMP"/*.err; do
		[ -f "$f" ] || continue
		echo "---- $(basename "$f") (last 25 lines)"
		tail -25 "$f"
	done
}

fail() { echo "FAIL: $*" >&2; exit 1; }
assert_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; echo "ok: $3 ($1)"; }
assert_ge() { [ "$1" -ge "$2" ] || fail "$3: expected >= $2, got $1"; echo "ok: $3 ($1 >= $2)"; }
assert_le() { [ "$1" -le "$2" ] || fail "$3: expected <= $2, got $1"; echo "ok: $3 ($1 <= $2)"; }

# port_stat PORT FIELD: a counter from port-stats (drops: drops.REASON).
port_stat() {
	local j
	j=$(ctl --json port-stats "$1")
	ep_json "$j" "j['ports'][0]$(python3 -c 'import sys; print("".join("[%r]" % k for k in sys.argv[1].split(".")))' "$2")"
}

# peer_stat JSON PORT FIELD
peer_stat() { ep_json "$1" "j['ports'][$2]['$3']"; }
peer_from() { ep_json "$1" "j['ports'][$2]['rx_from'][$3]"; }

# mbufs_in_use: summed over the switch's pools.
mbufs_in_use() {
	ep_json "$(ctl --json call system.mempools '{}')" "sum(p['in_use'] for p in j['mempools'])"
}
