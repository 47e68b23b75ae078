-- SPDX-License-Identifier: BSD-3-Clause
-- edgeplane throughput with Pktgen-DPDK 23.06.x: both ports send `SIZE`-byte
-- frames at `RATE` percent of the link to each other through br0; after
-- `WARMUP` s the per-second rates (pktgen.portStats("all", "rate")) are
-- sampled `SECONDS` times. Prints one EP-PKTGEN-SAMPLE line a second and
-- then, in this fixed order (Mpps = million frames/s, rx and tx are the sum
-- of both ports = both directions through the switch, medians of the samples):
--
--   EP-PKTGEN size=64 rx_mpps=... tx_mpps=... mode=throughput secs=... rate_pct=...
--     p0_rx_mpps=... p0_tx_mpps=... p1_rx_mpps=... p1_tx_mpps=...
--     rx_mpps_mean=... tx_mpps_mean=... lost=...      (one line)
--
--   pktgen ... -- -P -m "[1:1].0, [1:1].1" -f throughput.lua
--
-- Parameters are globals; set them before this file runs (a wrapper that
-- assigns them and then dofile()s this file: run-pktgen writes one) or edit
-- the defaults here.

SIZE      = SIZE or 64          -- frame size in bytes, CRC included (64..1518)
SECONDS   = SECONDS or 10       -- samples (one a second) after the warm-up
WARMUP    = WARMUP or 2         -- seconds of traffic before sampling
RATE      = RATE or 100         -- percent of the link speed, per port
SETTLE_MS = SETTLE_MS or 2000   -- idle time after stop before the loss count
-- DST_MAC0 / DST_MAC1: destination MAC of port 0 / port 1 (default: the other port's MAC)
-- LINK_MBPS: link speed to assume when pktgen cannot read it
-- OUT_FILE: also append the EP-PKTGEN lines to this file
if QUIT == nil then QUIT = false end   -- true: leave pktgen when done

-- ep_pktgen.lua from EP_PKTGEN_DIR, else from this script's directory
local ep = dofile(((EP_PKTGEN_DIR or (debug.getinfo(1, "S").source or ""):match("^@(.*/)") or "./"):gsub("/*$", "/")) .. "ep_pktgen.lua")

ep.run("throughput", function()
	ep.throughput(math.floor(SIZE), math.floor(SECONDS), math.floor(WARMUP), RATE, SETTLE_MS)
end)
