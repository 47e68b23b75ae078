-- SPDX-License-Identifier: BSD-3-Clause
-- Shared helpers for edgeplane's Pktgen-DPDK scripts (throughput.lua,
-- sweep.lua, zero-loss.lua), loaded by them with dofile(). Written against
-- the Lua API of pktgen 23.06.x (app/lpktgenlib.c), built with
-- -Denable_lua=true; runs on Lua 5.3 and 5.4.
--
-- Topology (scripts/bench/pktgen/README.md): pktgen has two net_virtio_user
-- ports, 0 and 1, plugged into the vhost-user ports vh0 and vh1 of bridge br0.
-- Port 0 sends to port 1's MAC and port 1 to port 0's, so the switch learns
-- both addresses and forwards in both directions.
--
-- Machine-readable output: every line this file prints that a tool should
-- read starts with "EP-PKTGEN" and is made of space-separated key=value pairs
-- in a fixed order (README.md lists them). The same lines are appended to
-- the file named by the global OUT_FILE when it is set.

local ep = {}

local fmt = string.format

ep.P0, ep.P1 = 0, 1

-- ---------------------------------------------------------------- output

function ep.emit(line)
	print(line)
	if OUT_FILE then
		local f = io.open(OUT_FILE, "a")
		if f then
			f:write(line, "\n")
			f:close()
		end
	end
end

function ep.log(...)
	ep.emit("ep-pktgen: " .. fmt(...))
end

-- a value safe to put after "key=": no spaces
local function word(v)
	local s = tostring(v)
	s = s:gsub("%s+", "_")
	return s
end
ep.word = word

local function mpps(pps)
	return fmt("%.3f", (pps or 0) / 1e6)
end
ep.mpps = mpps

-- ---------------------------------------------------------------- numbers

function ep.median(t)
	local n = #t
	if n == 0 then
		return 0
	end
	local c = {}
	for i = 1, n do
		c[i] = t[i]
	end
	table.sort(c)
	if n % 2 == 1 then
		return c[(n + 1) // 2]
	end
	return (c[n // 2] + c[n // 2 + 1]) / 2
end

-- "64 256 512" or { 64, 256 } -> { 64, 256, 512 }
function ep.list(v)
	if type(v) == "table" then
		return v
	end
	local t = {}
	for x in tostring(v):gmatch("[^%s,]+") do
		t[#t + 1] = math.floor(tonumber(x))
	end
	return t
end

-- ---------------------------------------------------------------- pktgen

function ep.info()
	local i = (type(pktgen.info) == "table") and pktgen.info or {}
	ep.emit(fmt("EP-PKTGEN-INFO pktgen=%s dpdk=%s lua=%s ports=%s",
		word(i.Pktgen_Version or "?"), word(i.DPDK_Version or "?"),
		word(i.Lua_Version or _VERSION), word(pktgen.portCount and pktgen.portCount() or "?")))
end

-- The MAC address of a pktgen port, or nil when this pktgen does not report it.
function ep.port_mac(pid)
	local ok, st = pcall(pktgen.pktStats, tostring(pid))
	if ok and type(st) == "table" and type(st[pid]) == "table" and
		type(st[pid].mac_addr) == "string" and st[pid].mac_addr:match("^%x%x:") then
		return st[pid].mac_addr
	end
	return nil
end

-- Destination MACs: DST_MAC0 (what port 0 sends to) and DST_MAC1 when set;
-- otherwise the other port's own MAC as pktgen reports it; otherwise the MACs
-- run-pktgen gives the ports (02:00:00:00:00:01 for port 0, :02 for port 1).
function ep.dst_macs()
	local d0 = DST_MAC0 or ep.port_mac(ep.P1) or "02:00:00:00:00:02"
	local d1 = DST_MAC1 or ep.port_mac(ep.P0) or "02:00:00:00:00:01"
	return d0, d1
end

-- Link speed of port 0 in Mbit/s (from pktgen.linkState, "<UP-10000-FD>"),
-- or LINK_MBPS when set or when it cannot be read. Only used to tell how many
-- frames per second a rate percentage means.
function ep.link_mbps()
	if LINK_MBPS then
		return LINK_MBPS
	end
	local ok, st = pcall(pktgen.linkState, tostring(ep.P0))
	if ok and type(st) == "table" and type(st[ep.P0]) == "string" then
		local m = tonumber(st[ep.P0]:match("(%d+)"))
		if m and m > 0 then
			return m
		end
	end
	return 10000
end

-- Frames per second of one port at `pct` percent of the link for `size`-byte
-- frames (20 bytes of preamble and inter-frame gap per frame, as pktgen counts).
function ep.line_pps(size, pct)
	return ep.link_mbps() * 1e6 / ((size + 20) * 8) * pct / 100
end

function ep.check_ports()
	local n = pktgen.portCount and pktgen.portCount() or 2
	if n < 2 then
		error(fmt("pktgen has %d port(s); these scripts need two (ports 0 and 1)", n))
	end
end

-- Single-packet mode, IPv4/UDP, `size`-byte frames (with CRC), `pct` percent
-- of the link on both ports, sent until stopped, to the other port's MAC.
function ep.setup(size, pct)
	pktgen.stop("all")
	pktgen.set_type("all", "ipv4")
	pktgen.set_proto("all", "udp")
	pktgen.set("all", "count", 0)
	pktgen.set("all", "size", math.floor(size))
	pktgen.set("all", "rate", pct)
	local d0, d1 = ep.dst_macs()
	pktgen.set_mac(tostring(ep.P0), "dst", d0)
	pktgen.set_mac(tostring(ep.P1), "dst", d1)
end

-- Cumulative counters (portStats "port": updated by pktgen once a second).
function ep.counters()
	local s = pktgen.portStats("all", "port")
	local a, b = s[ep.P0], s[ep.P1]
	return { tx0 = a.opackets, rx0 = a.ipackets, tx1 = b.opackets, rx1 = b.ipackets }
end

-- tx, rx, lost (frames) between two ep.counters() readings, both ports.
function ep.delta(a, b)
	local tx = (b.tx0 - a.tx0) + (b.tx1 - a.tx1)
	local rx = (b.rx0 - a.rx0) + (b.rx1 - a.rx1)
	return tx, rx, tx - rx
end

-- Per-second rates (portStats "rate"): p0 rx, p0 tx, p1 rx, p1 tx in frames/s.
function ep.rates()
	local r = pktgen.portStats("all", "rate")
	local a, b = r[ep.P0], r[ep.P1]
	return a.pkts_rx or a.ipackets, a.pkts_tx or a.opackets,
		b.pkts_rx or b.ipackets, b.pkts_tx or b.opackets
end

function ep.delay_ms(ms)
	pktgen.delay(math.floor(ms))
end

-- ---------------------------------------------------------------- measurements

-- Throughput at `pct` percent: start both ports, wait `warmup` s, sample the
-- per-second rates `secs` times, stop. Prints one EP-PKTGEN-SAMPLE line per
-- second and one EP-PKTGEN line with the medians; returns the result table.
function ep.throughput(size, secs, warmup, pct, settle_ms)
	ep.setup(size, pct)
	pktgen.clr()
	ep.delay_ms(1000)
	local c_start = ep.counters()
	pktgen.start("all")
	for _ = 1, warmup do
		ep.delay_ms(1000)
	end
	local c0 = ep.counters()
	local rx, tx, p0rx, p0tx, p1rx, p1tx = {}, {}, {}, {}, {}, {}
	for i = 1, secs do
		ep.delay_ms(1000)
		local a, b, c, d = ep.rates()
		p0rx[i], p0tx[i], p1rx[i], p1tx[i] = a, b, c, d
		rx[i], tx[i] = a + c, b + d
		ep.emit(fmt("EP-PKTGEN-SAMPLE size=%d t=%d rx_mpps=%s tx_mpps=%s p0_rx_mpps=%s p0_tx_mpps=%s p1_rx_mpps=%s p1_tx_mpps=%s",
			size, i, mpps(rx[i]), mpps(tx[i]), mpps(a), mpps(b), mpps(c), mpps(d)))
	end
	local c1 = ep.counters()
	pktgen.stop("all")
	ep.delay_ms(settle_ms)
	local c_end = ep.counters()
	local wtx, wrx = ep.delta(c0, c1)
	local _, _, lost = ep.delta(c_start, c_end)
	local r = {
		size = size, rx = ep.median(rx), tx = ep.median(tx),
		p0rx = ep.median(p0rx), p0tx = ep.median(p0tx),
		p1rx = ep.median(p1rx), p1tx = ep.median(p1tx),
		rx_mean = wrx / secs, tx_mean = wtx / secs, lost = lost,
	}
	ep.emit(fmt("EP-PKTGEN size=%d rx_mpps=%s tx_mpps=%s mode=throughput secs=%d rate_pct=%s p0_rx_mpps=%s p0_tx_mpps=%s p1_rx_mpps=%s p1_tx_mpps=%s rx_mpps_mean=%s tx_mpps_mean=%s lost=%d",
		size, mpps(r.rx), mpps(r.tx), secs, word(pct), mpps(r.p0rx), mpps(r.p0tx),
		mpps(r.p1rx), mpps(r.p1tx), mpps(r.rx_mean), mpps(r.tx_mean), lost))
	return r
end

-- One zero-loss trial: both ports at `pct` percent for `secs` s; the frames
-- sent and received come from the cumulative counters read after the ports
-- have been idle for `settle_ms` (frames still in flight arrive, pktgen's
-- once-a-second counters catch up).
function ep.trial(size, pct, secs, settle_ms)
	ep.setup(size, pct)
	ep.delay_ms(settle_ms)
	local a = ep.counters()
	pktgen.start("all")
	ep.delay_ms(secs * 1000)
	pktgen.stop("all")
	ep.delay_ms(settle_ms)
	local b = ep.counters()
	local tx, rx, lost = ep.delta(a, b)
	return tx, rx, lost
end

-- ---------------------------------------------------------------- driver

-- Run fn under pcall with the display off; on error print an
-- EP-PKTGEN-ERROR line. Then stop the ports and, if QUIT, leave pktgen.
function ep.run(name, fn)
	pcall(pktgen.screen, "off")
	local ok, err = pcall(function()
		ep.check_ports()
		ep.info()
		fn()
	end)
	if not ok then
		ep.emit(fmt("EP-PKTGEN-ERROR script=%s msg=%s", name, word(err)))
	end
	pcall(pktgen.stop, "all")
	ep.emit(fmt("EP-PKTGEN-END script=%s ok=%d", name, ok and 1 or 0))
	if QUIT then
		pktgen.quit()
	else
		pcall(pktgen.screen, "on")
	end
end

return ep
