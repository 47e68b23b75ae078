-- SPDX-License-Identifier: BSD-3-Clause
-- edgeplane zero-loss rate with Pktgen-DPDK 23.06.x (an RFC 2544-style binary
-- search): both ports send `SIZE`-byte frames to each other through br0 at a
-- paced rate (pktgen.set(port, "rate", percent)) for `TRIAL_SECONDS`; a trial
-- passes when the frames received on both ports equal the frames sent
-- (deltas of pktgen.portStats("all", "port") opackets/ipackets, read after the
-- ports have been idle for SETTLE_MS), or fall short by at most LOSS_RATIO of
-- them. The search starts at HIGH percent and halves the interval between
-- the highest passing and the lowest failing rate until it is narrower than
-- RESOLUTION percent or MAX_TRIALS trials have run. One line per trial:
--
--   EP-PKTGEN-TRIAL size=64 n=1 rate_pct=100 tx=... rx=... lost=... tx_mpps=...
--     rx_mpps=... target_mpps=... result=pass|fail           (one line)
--
-- and the result (rate_pct=0 and zero rates when no trial passed):
--
--   EP-PKTGEN size=64 rx_mpps=... tx_mpps=... mode=zero-loss rate_pct=...
--     lost=... trials=... trial_secs=... confirmed=...       (one line)
--
-- Rates are percent of the link speed of the virtio-user ports (run-pktgen
-- gives them speed=10000: 100% = 14.88 Mpps per port at 64 B); Mpps count
-- both ports (both directions). A trial whose measured tx rate is below 95%
-- of its target says short=1: the generator, not the switch, was the limit.
--
--   pktgen ... -- -P -m "[1:1].0, [1:1].1" -f zero-loss.lua
--
-- Parameters are globals (see throughput.lua for how to set them).

SIZE            = SIZE or 64
TRIAL_SECONDS   = TRIAL_SECONDS or 10   -- length of one trial
LOW             = LOW or 0              -- percent known to pass (0: nothing sent)
HIGH            = HIGH or 100           -- first rate tried, percent
RESOLUTION      = RESOLUTION or 0.5     -- stop when high - low < this, percent
MAX_TRIALS      = MAX_TRIALS or 14
LOSS_RATIO      = LOSS_RATIO or 0       -- tolerated lost/sent (0: zero loss)
SETTLE_MS       = SETTLE_MS or 2000     -- idle before and after each trial
CONFIRM_SECONDS = CONFIRM_SECONDS or 0  -- > 0: rerun the result this long
-- DST_MAC0, DST_MAC1, LINK_MBPS, OUT_FILE: as in throughput.lua
if QUIT == nil then QUIT = false end    -- true: leave pktgen when done

-- ep_pktgen.lua from EP_PKTGEN_DIR, else from this script's directory
local ep = dofile(((EP_PKTGEN_DIR or (debug.getinfo(1, "S").source or ""):match("^@(.*/)") or "./"):gsub("/*$", "/")) .. "ep_pktgen.lua")

local fmt = string.format

ep.run("zero-loss", function()
	local size = math.floor(SIZE)
	local secs = math.floor(TRIAL_SECONDS)
	local n = 0

	local function trial(pct, length)
		n = n + 1
		local tx, rx, lost = ep.trial(size, pct, length, SETTLE_MS)
		local target = 2 * ep.line_pps(size, pct)
		local pass = tx > 0 and lost <= math.floor(tx * LOSS_RATIO)
		local short = (tx / length < 0.95 * target) and 1 or 0
		ep.emit(fmt("EP-PKTGEN-TRIAL size=%d n=%d rate_pct=%.3f tx=%d rx=%d lost=%d tx_mpps=%s rx_mpps=%s target_mpps=%s result=%s short=%d",
			size, n, pct, tx, rx, lost, ep.mpps(tx / length), ep.mpps(rx / length),
			ep.mpps(target), pass and "pass" or "fail", short))
		return pass, { pct = pct, tx = tx, rx = rx, lost = lost, secs = length }
	end

	local lo, hi = LOW, HIGH
	local best = nil
	local pass, r = trial(hi, secs)
	if pass then
		best = r
	else
		while (hi - lo) >= RESOLUTION and n < MAX_TRIALS do
			local mid = (lo + hi) / 2
			pass, r = trial(mid, secs)
			if pass then
				lo, best = mid, r
			else
				hi = mid
			end
		end
	end

	local confirmed = "-"
	if best and CONFIRM_SECONDS > 0 then
		local ok, c = trial(best.pct, math.floor(CONFIRM_SECONDS))
		confirmed = ok and "1" or "0"
		best = c
	end
	if best then
		ep.emit(fmt("EP-PKTGEN size=%d rx_mpps=%s tx_mpps=%s mode=zero-loss rate_pct=%.3f lost=%d trials=%d trial_secs=%d confirmed=%s",
			size, ep.mpps(best.rx / best.secs), ep.mpps(best.tx / best.secs), best.pct,
			best.lost, n, secs, confirmed))
	else
		ep.emit(fmt("EP-PKTGEN size=%d rx_mpps=0.000 tx_mpps=0.000 mode=zero-loss rate_pct=0.000 lost=- trials=%d trial_secs=%d confirmed=-",
			size, n, secs))
	end
end)
