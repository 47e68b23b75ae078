-- SPDX-License-Identifier: BSD-3-Clause
-- edgeplane throughput by frame size with Pktgen-DPDK 23.06.x: throughput.lua
-- for each size of `SIZES` in turn (one EP-PKTGEN line per size, same format:
-- see throughput.lua and README.md).
--
--   pktgen ... -- -P -m "[1:1].0, [1:1].1" -f sweep.lua
--
-- Parameters are globals (see throughput.lua for how to set them).

SIZES     = SIZES or { 64, 256, 512, 1518 }  -- or a string: "64 1518"
SECONDS   = SECONDS or 10       -- samples (one a second) per size, after the warm-up
WARMUP    = WARMUP or 2         -- seconds of traffic before sampling, per size
RATE      = RATE or 100         -- percent of the link speed, per port
SETTLE_MS = SETTLE_MS or 2000   -- idle time between sizes
-- DST_MAC0, DST_MAC1, LINK_MBPS, OUT_FILE: as in throughput.lua
if QUIT == nil then QUIT = false end   -- true: leave pktgen when done

-- ep_pktgen.lua from EP_PKTGEN_DIR, else from this script's directory
local ep = dofile(((EP_PKTGEN_DIR or (debug.getinfo(1, "S").source or ""):match("^@(.*/)") or "./"):gsub("/*$", "/")) .. "ep_pktgen.lua")

ep.run("sweep", function()
	for _, size in ipairs(ep.list(SIZES)) do
		ep.throughput(math.floor(size), math.floor(SECONDS), math.floor(WARMUP), RATE, SETTLE_MS)
	end
end)
