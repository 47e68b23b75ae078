#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Summarises scripts/bench/run-all's samples.jsonl: medians per (DUT, frame
# size) over the windows, ratios against OVS and the ceiling, a table on
# stdout, OUT/results.json, and OUT/mpps.png (gnuplot) of Mpps by frame size.
# With --zl-samples (run-all --zero-loss's zero-loss.jsonl) the same for the
# zero-loss rates: results.json "zero_loss", OUT/zero-loss.png.
#
#   report.py [--samples FILE] [--zl-samples FILE] --out DIR
#             [--seconds N --windows K --sizes S --duts D]
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import time

CLEAN = 0.9
ORDER = ["edgeplane", "edgeplane-inport", "ovs-normal", "ovs-inport", "limit"]
TITLES = {
    "edgeplane": "edgeplane (L2 learning)",
    "edgeplane-inport": "edgeplane in_port flows",
    "ovs-normal": "OVS-DPDK 3.1 NORMAL",
    "ovs-inport": "OVS-DPDK 3.1 in_port flows",
    "limit": "testpmd io (ceiling)",
}


def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def median(xs):
    xs = [x for x in xs if x is not None]
    return round(statistics.median(xs), 4) if xs else None


def meta(args):
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "kernel": platform.release(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "loadavg_at_end": open("/proc/loadavg").read().split()[:3],
        "dpdk": sh("dpkg-query", "-W", "-f=${Version}", "dpdk"),
        "ovs": sh("dpkg-query", "-W", "-f=${Version}", "openvswitch-switch-dpdk"),
        "edgeplane": sh("git", "-C", root, "describe", "--always", "--dirty"),
        "seconds": args.seconds,
        "windows": args.windows,
        "sizes": [int(s) for s in args.sizes.split()] if args.sizes else None,
        "duts": args.duts.split() if args.duts else None,
        "ring": "packed" if "packed_vq=1" in os.environ.get("BENCH_RING_EXTRA", "") else "split",
        "method": "generator dpdk-testpmd mac-forwarding loop (--tx-first --burst=256) on two "
        "net_virtio_user ports, forwarding lcore CPU 0; DUT with two vhost-user ports, PMD on "
        "CPU 1; rate = frames/s received by the generator (both ports) over the window after "
        "a 2 s warm-up; DUTs interleaved, fresh start per measurement; medians over windows",
        "zero_loss_method": "generator ep-peer --bench (one process per trial, lcore CPU 0) on "
        "two net_virtio_user ports, both sending rate/2 to each other in paced bursts of 32 "
        "after announcing their MACs; offered = frames handed to its tx rings (a frame a full "
        "ring refuses is lost); trial passes when received >= offered x (1 - loss tolerance); "
        "unpaced trial gives the max, then binary search from the max down; DUT kept up for "
        "the trials of one search, started fresh per search; DUTs interleaved; medians over "
        "windows",
    }


def ratios_of(summary, samples, key, skey, sizes):
    """Per frame size: edgeplane's median KEY over OVS's and the ceiling's
    (and edgeplane-inport's over ovs-inport's), and the median of the
    per-window ratios of the samples' SKEY."""
    ratios = {}
    for z in sizes:
        e = summary.get("edgeplane", {}).get(str(z))
        r = {}
        for o in ("ovs-normal", "ovs-inport", "limit"):
            x = summary.get(o, {}).get(str(z))
            if e and x and x[key]:
                r["edgeplane/" + o] = round(e[key] / x[key], 3)
        f, x = summary.get("edgeplane-inport", {}).get(str(z)), summary.get(
            "ovs-inport", {}).get(str(z))
        if f and x and x[key]:
            r["edgeplane-inport/ovs-inport"] = round(f[key] / x[key], 3)
        # Per-window ratios (each window's DUTs ran back to back): their
        # median is less sensitive to slow drifts of the machine's load.
        for o in ("ovs-normal", "ovs-inport", "limit"):
            per = []
            for w in sorted({s["window"] for s in samples}):
                a = [s[skey] for s in samples
                     if s["dut"] == "edgeplane" and s["size"] == z and s["window"] == w]
                b = [s[skey] for s in samples
                     if s["dut"] == o and s["size"] == z and s["window"] == w]
                if a and b and b[0] > 0:
                    per.append(a[0] / b[0])
            if per:
                r["edgeplane/" + o + " (median of per-window ratios)"] = round(
                    statistics.median(per), 3)
        ratios[str(z)] = r
    return ratios


def target_lines(summary, ratios):
    """Issue #5's 64-byte targets against this run: one line each, with the
    figure, the bound and met/MISSED; [] without a 64 B edgeplane sample."""
    e = summary.get("edgeplane", {}).get("64")
    if not e:
        return []
    r = ratios.get("64", {})
    out = []

    def line(what, value, op, bound, fmt):
        if value is None:
            out.append("%-44s %10s   (not measured)" % (what, "-"))
            return
        met = value <= bound if op == "<=" else value >= bound
        out.append("%-44s %10s   %s %s: %s" % (what, fmt % value, op, fmt % bound,
                                               "met" if met else "MISSED"))
    for o, bound in (("ovs-normal", 1.3), ("limit", 0.9)):
        k = "edgeplane/%s (median of per-window ratios)" % o
        line("Mpps edgeplane/%s (per-window median)" % o, r.get(k), ">=", bound, "%.2fx")
    line("busy cycles/pkt (median)", e.get("cycles_per_packet_median"), "<=", 150, "%.0f")
    line("burst cycles/pkt (median; testpmd's measure)",
         e.get("burst_cycles_per_packet_median"), "<=", 150, "%.0f")
    return out


def print_ratios(r):
    for k, v in r.items():
        if "per-window" not in k:
            per = r.get(k + " (median of per-window ratios)")
            print("%-9s %-28s %6.2fx   (per-window median %s)" % (
                "", k, v, "%.2fx" % per if per is not None else "-"))


def md_ratios(ratios, sizes):
    keys = ["edgeplane/ovs-normal", "edgeplane/ovs-inport", "edgeplane/limit"]
    if any("edgeplane-inport/ovs-inport" in r for r in ratios.values()):
        keys.append("edgeplane-inport/ovs-inport")
    md = ["", "| frame | " + " | ".join(keys) + " |", "| ---: |" + " ---: |" * len(keys)]
    for z in sizes:
        r = ratios.get(str(z), {})
        cells = []
        for k in keys:
            per = r.get(k + " (median of per-window ratios)")
            cells.append("%.2fx (per window %.2fx)" % (r[k], per) if k in r and per is not None
                         else "%.2fx" % r[k] if k in r else "-")
        md.append("| %d | %s |" % (z, " | ".join(cells)))
    return md


def plot(args, base, sizes, header, rows, curves, title):
    """OUT/BASE.dat (one row per size), and with gnuplot OUT/BASE.png and .gp;
    CURVES: gnuplot "using ... title ..." clauses on the .dat file."""
    dat = os.path.join(args.out, base + ".dat")
    with open(dat, "w") as f:
        f.write(header + "\n")
        for z, row in zip(sizes, rows):
            f.write(" ".join([str(z)] + row) + "\n")
    if not shutil.which("gnuplot"):
        return
    png = os.path.join(args.out, base + ".png")
    gp = "\n".join([
        "set terminal pngcairo noenhanced size 900,560 font 'sans,10'",
        "set output '%s'" % png,
        "set title '%s'" % title,
        "set xlabel 'frame size (bytes)'",
        "set ylabel 'Mpps (both directions)'",
        "set logscale x 2",
        "set xtics (%s)" % ", ".join(str(z) for z in sizes),
        "set xrange [%d:%d]" % (sizes[0] * 0.85, sizes[-1] * 1.15),
        "set yrange [0:*]",
        "set grid",
        "set key top right",
        "plot " + ", ".join("'%s' %s" % (dat, c) for c in curves),
    ]) + "\n"
    with open(os.path.join(args.out, base + ".gp"), "w") as f:
        f.write(gp)
    r = subprocess.run(["gnuplot"], input=gp, text=True, capture_output=True, timeout=60)
    if r.returncode != 0:
        print("gnuplot failed: " + r.stderr.strip())
    else:
        print("plot: %s" % png)


def triples(summary, duts, sizes, keys):
    """Plot rows: per size, per DUT the values of KEYS (NaN where missing)."""
    rows = []
    for z in sizes:
        row = []
        for d in duts:
            x = summary[d].get(str(z))
            row += ["%.4f" % x[k] for k in keys] if x else ["NaN"] * len(keys)
        rows.append(row)
    return rows


def report_mpps(args, samples):
    """The closed-loop throughput part: prints its table; returns (summary,
    ratios, Markdown lines, plot() arguments)."""
    duts = [d for d in ORDER if any(s["dut"] == d for s in samples)]
    sizes = sorted({s["size"] for s in samples})
    summary = {}
    for d in duts:
        summary[d] = {}
        for z in sizes:
            ss = [s for s in samples if s["dut"] == d and s["size"] == z]
            if not ss:
                continue
            mp = [s["mpps"] for s in ss]
            # "clean" samples: both the DUT and the generator had (nearly)
            # their whole core during the window, i.e. no other work on the
            # machine took it from them.
            clean = [s for s in ss
                     if (s.get("dut_cpu") or 0) >= CLEAN and (s.get("gen_cpu") or 0) >= CLEAN]
            cpps = [s.get("cycles_per_packet") for s in ss if s.get("cycles_per_packet")]
            bpps = [s.get("burst_cycles_per_packet") for s in ss
                    if s.get("burst_cycles_per_packet")]
            summary[d][str(z)] = {
                "n": len(ss),
                "mpps_median": median(mp),
                "mpps_min": min(mp),
                "mpps_max": max(mp),
                "gbps_median": round(median(mp) * z * 8 / 1e3, 3),
                "best_second_mpps_median": median(
                    [max(s["mpps_per_second"]) for s in ss if s.get("mpps_per_second")]),
                "dut_mpps_median": median([s.get("dut_mpps") for s in ss]),
                "cycles_per_packet_median": median(cpps),
                # preemption only ever adds cycles: the minimum is the least disturbed
                "cycles_per_packet_min": min(cpps) if cpps else None,
                "burst_cycles_per_packet_median": median(bpps),
                "burst_cycles_per_packet_min": min(bpps) if bpps else None,
                "clean_n": len(clean),
                "clean_mpps_median": median([s["mpps"] for s in clean]),
                "clean_cycles_per_packet_median": median(
                    [s.get("cycles_per_packet") for s in clean]),
                "dut_cpu_median": median([s.get("dut_cpu") for s in ss]),
                "gen_cpu_median": median([s.get("gen_cpu") for s in ss]),
            }
    ratios = ratios_of(summary, samples, "mpps_median", "mpps", sizes)

    # Table.
    hdr = "%-6s %-16s %2s %8s %17s %7s %8s %6s %9s %6s %8s %8s %12s" % (
        "FRAME", "DUT", "N", "MPPS", "(min..max)", "GBPS", "CYC/PKT", "(min)", "BURST-CYC",
        "(min)", "DUT-CPU", "GEN-CPU", "CLEAN(n)")
    print(hdr)
    print("-" * len(hdr))
    for z in sizes:
        for d in duts:
            x = summary[d].get(str(z))
            if not x:
                continue
            cpp, cmin = x["cycles_per_packet_median"], x["cycles_per_packet_min"]
            bpp, bmin = (x.get("burst_cycles_per_packet_median"),
                         x.get("burst_cycles_per_packet_min"))
            print("%-6d %-16s %2d %8.3f %17s %7.2f %8s %6s %9s %6s %8s %8s %12s" % (
                z, d, x["n"], x["mpps_median"], "(%.3f..%.3f)" % (x["mpps_min"], x["mpps_max"]),
                x["gbps_median"], "%.0f" % cpp if cpp is not None else "-",
                "%.0f" % cmin if cmin is not None else "-",
                "%.0f" % bpp if bpp is not None else "-",
                "%.0f" % bmin if bmin is not None else "-",
                x["dut_cpu_median"], x["gen_cpu_median"],
                "%.3f (%d)" % (x["clean_mpps_median"], x["clean_n"]) if x["clean_n"] else "- (0)"))
        print_ratios(ratios.get(str(z), {}))
        print()
    print("medians of %s windows x %s s. CYC/PKT: the DUT's busy cycles per packet "
          "(iterations that\nreceived packets; OVS's processing cycles). BURST-CYC: rx call to "
          "end of tx of bursts\nthat got packets (testpmd --record-core-cycles; limit's own "
          "figure). DUT-CPU/GEN-CPU:\nCPUs each process got (1.0 = its whole core; less = "
          "other load on the machine took it).\nCLEAN: median Mpps of the windows where both "
          "got >= %.1f (how many)." % (args.windows, args.seconds, CLEAN))
    targets = target_lines(summary, ratios)
    if targets:
        print()
        print("targets (issue #5, 64 B, L2 learning):")
        for t in targets:
            print("  " + t)

    # The same as a Markdown table (for docs/performance.md).
    md = ["| frame | DUT | windows | Mpps median (min..max) | busy cycles/pkt median (min) "
          "| burst cycles/pkt median (min) | DUT CPU | gen CPU |",
          "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for z in sizes:
        for d in duts:
            x = summary[d].get(str(z))
            if not x:
                continue
            cpp, cmin = x["cycles_per_packet_median"], x["cycles_per_packet_min"]
            bpp, bmin = (x.get("burst_cycles_per_packet_median"),
                         x.get("burst_cycles_per_packet_min"))
            md.append("| %d | %s | %d | %.3f (%.3f..%.3f) | %s | %s | %s | %s |" % (
                z, d, x["n"], x["mpps_median"], x["mpps_min"], x["mpps_max"],
                "%.0f (%.0f)" % (cpp, cmin) if cpp is not None else "-",
                "%.0f (%.0f)" % (bpp, bmin) if bpp is not None else "-",
                x["dut_cpu_median"], x["gen_cpu_median"]))
    md += md_ratios(ratios, sizes)
    if targets:
        md += ["", "Targets at 64 B (L2 learning):", ""] + ["- " + t for t in targets]

    return summary, ratios, md, (args, "mpps", sizes,
         "# size, then per DUT: median min max Mpps; DUTs: " + " ".join(duts),
         triples(summary, duts, sizes, ("mpps_median", "mpps_min", "mpps_max")),
         ["using 1:%d:%d:%d with yerrorlines lw 2 pt 7 title '%s'" % (
             3 * i + 2, 3 * i + 3, 3 * i + 4, TITLES[d]) for i, d in enumerate(duts)],
         "vhost-user loopback, 1 PMD core: median (bars: min..max) "
         "of %s x %s s windows" % (args.windows, args.seconds))


def report_zero_loss(args, searches):
    """The zero-loss part: prints its table; returns (summary, ratios, Markdown
    lines, plot() arguments)."""
    duts = [d for d in ORDER if any(s["dut"] == d for s in searches)]
    sizes = sorted({s["size"] for s in searches})
    summary = {}
    for d in duts:
        summary[d] = {}
        for z in sizes:
            ss = [s for s in searches if s["dut"] == d and s["size"] == z]
            if not ss:
                continue
            zl = [s["zero_loss_mpps"] for s in ss]
            # the least CPU the generator / the DUT got in any trial of a search
            gcpu = [min([t["gen_cpu"] for t in s["trials"]] or [0]) for s in ss]
            dcpu = [min([t["dut_cpu"] for t in s["trials"]] or [0]) for s in ss]
            clean = [s for s, g, c in zip(ss, gcpu, dcpu) if g >= CLEAN and c >= CLEAN]
            summary[d][str(z)] = {
                "n": len(ss),
                "zero_loss_mpps_median": median(zl),
                "zero_loss_mpps_min": min(zl),
                "zero_loss_mpps_max": max(zl),
                "zero_loss_gbps_median": round(median(zl) * z * 8 / 1e3, 3),
                "max_mpps_median": median([s["max_mpps"] for s in ss]),
                "max_rx_mpps_median": median([s["max_rx_mpps"] for s in ss]),
                "at_max_n": sum(1 for s in ss if s["at_max"]),
                "trials_median": median([s["n_trials"] for s in ss]),
                "gen_cpu_min_median": median(gcpu),
                "dut_cpu_min_median": median(dcpu),
                "clean_n": len(clean),
                "clean_zero_loss_mpps_median": median([s["zero_loss_mpps"] for s in clean]),
            }
    ratios = ratios_of(summary, searches, "zero_loss_mpps_median", "zero_loss_mpps", sizes)

    hdr = "%-6s %-16s %2s %9s %17s %7s %8s %8s %6s %6s %8s %8s %12s" % (
        "FRAME", "DUT", "N", "ZERO-LOSS", "(min..max)", "GBPS", "MAX-IN", "MAX-OUT", "@MAX",
        "TRIALS", "GEN-CPU", "DUT-CPU", "CLEAN(n)")
    print(hdr)
    print("-" * len(hdr))
    for z in sizes:
        for d in duts:
            x = summary[d].get(str(z))
            if not x:
                continue
            print("%-6d %-16s %2d %9.3f %17s %7.2f %8.3f %8.3f %6d %6s %8s %8s %12s" % (
                z, d, x["n"], x["zero_loss_mpps_median"],
                "(%.3f..%.3f)" % (x["zero_loss_mpps_min"], x["zero_loss_mpps_max"]),
                x["zero_loss_gbps_median"], x["max_mpps_median"], x["max_rx_mpps_median"],
                x["at_max_n"], x["trials_median"], x["gen_cpu_min_median"],
                x["dut_cpu_min_median"],
                "%.3f (%d)" % (x["clean_zero_loss_mpps_median"], x["clean_n"])
                if x["clean_n"] else "- (0)"))
        print_ratios(ratios.get(str(z), {}))
        print()
    loss = sorted({s["loss_pct"] for s in searches})
    print("zero-loss Mpps (both directions; loss <= %s%%): medians of %s searches, trials of "
          "%s s.\nMAX-IN/MAX-OUT: the unpaced trial (what the DUT's rings took / what came "
          "back);\n@MAX: searches whose trial at MAX-IN passed (the DUT may do more). "
          "GEN-CPU/DUT-CPU: the least\nCPU each got in a trial; CLEAN: median of the searches "
          "where both stayed >= %.1f (how many)." % (
              "/".join("%g" % x for x in loss), args.windows, args.seconds, CLEAN))

    md = ["| frame | DUT | searches | zero-loss Mpps median (min..max) | unpaced in / out Mpps "
          "| trials |",
          "| ---: | --- | ---: | ---: | ---: | ---: |"]
    for z in sizes:
        for d in duts:
            x = summary[d].get(str(z))
            if x:
                md.append("| %d | %s | %d | %.3f (%.3f..%.3f) | %.3f / %.3f | %s |" % (
                    z, d, x["n"], x["zero_loss_mpps_median"], x["zero_loss_mpps_min"],
                    x["zero_loss_mpps_max"], x["max_mpps_median"], x["max_rx_mpps_median"],
                    x["trials_median"]))
    md += md_ratios(ratios, sizes)

    return summary, ratios, md, (args, "zero-loss", sizes,
         "# size, then per DUT: median min max zero-loss Mpps, unpaced max Mpps; DUTs: "
         + " ".join(duts),
         triples(summary, duts, sizes, ("zero_loss_mpps_median", "zero_loss_mpps_min",
                                        "zero_loss_mpps_max", "max_mpps_median")),
         ["using 1:%d:%d:%d with yerrorlines lw 2 pt 7 lc %d title '%s zero loss'" % (
             4 * i + 2, 4 * i + 3, 4 * i + 4, i + 1, TITLES[d]) for i, d in enumerate(duts)]
         + ["using 1:%d with linespoints dt 2 pt 4 lc %d title '%s unpaced'" % (4 * i + 5, i + 1, TITLES[d])
            for i, d in enumerate(duts)],
         "vhost-user loopback, 1 PMD core: zero-loss rate, median (bars: min..max) of %s "
         "searches, %s s trials; dashed: unpaced" % (args.windows, args.seconds))


def load(path):
    return [json.loads(l) for l in open(path) if l.strip()] if path else []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples")
    ap.add_argument("--zl-samples")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seconds", type=int)
    ap.add_argument("--windows", type=int)
    ap.add_argument("--sizes", default="")
    ap.add_argument("--duts", default="")
    args = ap.parse_args()
    if not args.samples and not args.zl_samples:
        ap.error("--samples or --zl-samples (or both)")

    samples, searches = load(args.samples), load(args.zl_samples)
    res = {"meta": meta(args), "summary": {}, "ratios": {}, "samples": samples}
    md, plots = [], []
    if samples:
        res["summary"], res["ratios"], md, p = report_mpps(args, samples)
        plots.append(p)
    if searches:
        if samples:
            print()
        zs, zr, zmd, p = report_zero_loss(args, searches)
        res["zero_loss"] = {"summary": zs, "ratios": zr, "searches": searches}
        md += ([""] if md else []) + zmd
        plots.append(p)
    path = os.path.join(args.out, "results.json")
    with open(path, "w") as f:
        json.dump(res, f, indent=1)
    print("results: %s" % path)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    for p in plots:
        plot(*p)


if __name__ == "__main__":
    main()
