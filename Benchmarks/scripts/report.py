#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes Benchmarks/REPORT.md and its SVG charts from one `make bench` run (python3 stdlib only).

  report.py RESULTS_DIR OUTPUT_DIR

RESULTS_DIR holds results.jsonl (one JSON object per measurement, written by Benchmarks/run.sh),
package-benchmark's JMH export (*.jmh.json) and trace.csv (`discv5 get --trace`).
"""
import csv
import glob
import json
import os
import sys

MIB = 1048576


def load(results_dir):
    records = {}
    with open(os.path.join(results_dir, "results.jsonl")) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            record = json.loads(line)
            records.setdefault(record["name"], []).append(record)
    return records


def scale_of(name):
    """package-benchmark's scalingFactor per benchmark: raw figures are per run of scaledIterations."""
    if name.startswith(("ENR", "discv5 handshake", "uTP in memory")):
        return 1
    return 1000


def load_benchmarks(results_dir):
    rows = []
    for path in sorted(glob.glob(os.path.join(results_dir, "*.jmh.json")) + glob.glob(os.path.join(results_dir, "*.json"))):
        try:
            with open(path) as f:
                elements = json.load(f)
        except (OSError, ValueError):
            continue
        if not isinstance(elements, list):
            continue
        for element in elements:
            full = element.get("benchmark", "")
            parts = full.split(".", 3)
            target, name = (parts[2], parts[3].replace("_", " ")) if len(parts) == 4 else ("", full)
            secondary = element.get("secondaryMetrics", {})
            wall = secondary.get("Time (wall clock)", {}).get("scorePercentiles", {}).get("50.0")
            mallocs = secondary.get("Malloc (total)", {}).get("scorePercentiles", {}).get("50.0")
            if wall is None:
                continue
            scale = scale_of(name)
            ns_per_op = wall * 1000 / scale  # JMH export gives wall clock in µs per run
            rows.append({
                "target": target, "name": name, "ns": ns_per_op, "ops": 1e9 / ns_per_op if ns_per_op > 0 else 0,
                "mallocs": mallocs / scale if mallocs is not None else None,
                "runs": element.get("measurementIterations"),
            })
    seen, unique = set(), []
    rows.sort(key=lambda row: (row["target"], row["name"]))
    for row in rows:
        if (row["target"], row["name"]) not in seen:
            seen.add((row["target"], row["name"]))
            unique.append(row)
    return unique


def first(records, name):
    found = records.get(name)
    return found[0] if found else None


def median(records, name):
    """The successful run with the median rate, with the rates of all runs; else the first (failed) record."""
    found = records.get(name) or []
    good = sorted((r for r in found if ok(r)), key=lambda r: r["mib_per_s"])
    if not good:
        return found[0] if found else None
    chosen = dict(good[(len(good) - 1) // 2])
    chosen["all_rates"] = [r["mib_per_s"] for r in found if ok(r)]
    chosen["failed_runs"] = sum(1 for r in found if not ok(r))
    return chosen


def ok(record):
    # "failed": true marks a step that failed; the concurrent result uses "failed" for a count.
    return record is not None and record.get("failed") is not True and not record.get("not_run")


def fmt(value, digits=1):
    if value is None:
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def verdict(value, target, stretch=None, smaller_is_better=False):
    if value is None:
        return "not measured"
    good = value <= target if smaller_is_better else value >= target
    if not good:
        return "**missed**"
    if stretch is not None and value >= stretch:
        return "met (stretch met)"
    return "met"


# MARK: SVG


def svg_escape(text):
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def nice_ceiling(value):
    if value <= 0:
        return 1
    magnitude = 10 ** len(str(int(value))) / 10
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * magnitude >= value:
            return step * magnitude
    return value


def line_chart(title, x_label, panels, width=720, panel_height=220):
    """panels: [(y_label, [(series_label, colour, [(x, y), ...]), ...]), ...], one chart per panel, shared x."""
    left, right, top, gap = 70, 20, 40, 50
    height = top + len(panels) * (panel_height + gap) + 10
    all_x = [x for _, series in panels for _, _, points in series for x, _ in points]
    x_max = nice_ceiling(max(all_x) if all_x else 1)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="15">{svg_escape(title)}</text>']
    plot_width = width - left - right
    for index, (y_label, series) in enumerate(panels):
        y0 = top + index * (panel_height + gap)
        ys = [y for _, _, points in series for _, y in points]
        y_max = nice_ceiling(max(ys) if ys else 1)

        def px(x):
            return left + plot_width * x / x_max

        def py(y):
            return y0 + panel_height - panel_height * y / y_max

        out.append(f'<rect x="{left}" y="{y0}" width="{plot_width}" height="{panel_height}" fill="none" stroke="#888"/>')
        for tick in range(6):
            yv = y_max * tick / 5
            out.append(f'<line x1="{left}" y1="{py(yv):.1f}" x2="{left + plot_width}" y2="{py(yv):.1f}" stroke="#eee"/>')
            out.append(f'<text x="{left - 6}" y="{py(yv) + 4:.1f}" text-anchor="end">{yv:,.4g}</text>')
            xv = x_max * tick / 5
            out.append(f'<text x="{px(xv):.1f}" y="{y0 + panel_height + 16}" text-anchor="middle">{xv:,.4g}</text>')
        out.append(f'<text x="16" y="{y0 + panel_height / 2}" text-anchor="middle" '
                   f'transform="rotate(-90 16 {y0 + panel_height / 2})">{svg_escape(y_label)}</text>')
        for number, (label, colour, points) in enumerate(series):
            if points:
                path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in sorted(points))
                out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
                if len(points) <= 30:
                    out.extend(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>' for x, y in points)
            out.append(f'<text x="{left + plot_width - 8}" y="{y0 + 16 + 15 * number}" text-anchor="end" '
                       f'fill="{colour}">{svg_escape(label)}</text>')
    out.append(f'<text x="{left + plot_width / 2}" y="{height - 8}" text-anchor="middle">{svg_escape(x_label)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def loss_chart(points):
    series = [(p["loss_percent"], p["mib_per_s"]) for p in points if p.get("completed")]
    failed = [(p["loss_percent"], p["mib_per_s"]) for p in points if not p.get("completed")]
    return line_chart(
        "uTP goodput against loss rate (simulated 100 Mbit/s link, 10 ms one-way delay)",
        "datagram loss rate, both directions (%)",
        [("goodput (MiB/s, simulated time)", [
            ("uTP, 8 MB per point", "#1f77b4", series),
            ("did not complete (rate until it gave up)", "#d62728", failed),
        ])],
    )


def trace_chart(path, title):
    seconds, mib, cwnd, rtt, rto, inflight = [], [], [], [], [], []
    with open(path) as f:
        for row in csv.DictReader(f):
            try:
                t = float(row["seconds"])
            except (KeyError, ValueError):
                continue
            seconds.append(t)
            mib.append(int(row["bytes"] or 0) / MIB)
            cwnd.append(int(row["cwnd"] or 0) / 1024)
            inflight.append(int(row["bytes_in_flight"] or 0) / 1024)
            rtt.append(float(row["rtt_ms"]) if row["rtt_ms"] else None)
            rto.append(float(row["rto_ms"]) if row["rto_ms"] else None)
    rate, start = [], 0  # averaged over at least 100 ms, so 10 ms samples do not turn into noise
    for i in range(1, len(seconds)):
        dt = seconds[i] - seconds[start]
        if dt >= 0.099:
            rate.append((seconds[i], (mib[i] - mib[start]) / dt))
            start = i
    return line_chart(
        title,
        "seconds since the start",
        [
            ("MiB/s", [("receive rate (100 ms average)", "#2ca02c", rate)]),
            ("KiB", [("congestion window", "#1f77b4", list(zip(seconds, cwnd))),
                     ("bytes in flight", "#ff7f0e", list(zip(seconds, inflight)))]),
            ("ms", [("smoothed RTT", "#d62728", [(t, v) for t, v in zip(seconds, rtt) if v is not None]),
                    ("RTO", "#9467bd", [(t, v) for t, v in zip(seconds, rto) if v is not None])]),
        ],
    )


# MARK: report


def main():
    results_dir, output_dir = sys.argv[1], sys.argv[2]
    records = load(results_dir)
    benches = load_benchmarks(results_dir)
    machine = first(records, "machine") or {}
    raw, discv5, lt = (median(records, n) for n in ("utp-raw", "utp-discv5", "libtorrent"))
    conc = first(records, "concurrent")
    sessions_memory, utp_memory = first(records, "memory-sessions"), first(records, "memory-utp")
    losses = records.get("loss", [])

    def bench(prefix):
        return next((b for b in benches if b["name"].startswith(prefix)), None)

    lt_rate = lt["mib_per_s"] if ok(lt) else None

    def ratio(value, base):
        return value / base if value is not None and base else None

    lines = ["# Benchmark report", ""]
    lines += [
        f"Measured by `make bench` on {machine.get('date', '?')} at commit `{machine.get('commit', '?')}`: "
        f"{machine.get('cpus', '?')} CPUs, load average {machine.get('load', '?')} at the start, "
        f"Linux {machine.get('kernel', '?')}, {machine.get('swift', '?')}.",
        "",
        "**The machine is shared and noisy**: other builds ran beside this run, so absolute figures move "
        "from run to run. The baselines (a raw UDP blast of the same datagram size, libtorrent's uTP) are "
        "measured in the same run for that reason; the ratios are the figures to compare.",
        "",
    ]

    # Targets.
    # The multiplexer path is what both shells run; the bare connection is shown in the table below.
    receive = bench("uTP multiplexer receive path") or bench("uTP receive path")
    handshake = bench("discv5 handshake")
    raw_rate = raw["mib_per_s"] if ok(raw) else None
    discv5_rate = discv5["mib_per_s"] if ok(discv5) else None
    conc_ok = ok(conc)
    conc_ratio = ratio(conc.get("mib_per_s"), discv5_rate) if conc_ok else None
    conc_all = conc_ok and conc.get("completed") == conc.get("transfers") and not conc.get("failed")  # a count here
    idle = utp_memory["bytes_per_connection"] if ok(utp_memory) else None
    lines += ["## Targets", "", "| Target | Measured | Result |", "|---|---|---|"]
    lines.append(f"| uTP over raw UDP, 200 MB ≥ 1.0 × libtorrent uTP (stretch 1.3×) | "
                 f"{fmt(ratio(raw_rate, lt_rate), 2)} × | {verdict(ratio(raw_rate, lt_rate), 1.0, 1.3)} |")
    lines.append(f"| uTP over discv5, 200 MB ≥ 0.6 × libtorrent uTP (stretch 1.0×) | "
                 f"{fmt(ratio(discv5_rate, lt_rate), 2)} × | {verdict(ratio(discv5_rate, lt_rate), 0.6, 1.0)} |")
    if conc_ok:
        conc_verdict = verdict(conc_ratio, 0.8) if conc_all else "**missed** (not all completed)"
        lines.append(f"| 1000 × 1 MB concurrent over discv5: all complete, aggregate ≥ 0.8 × single stream | "
                     f"{conc.get('completed')}/{conc.get('transfers')} completed, {fmt(conc_ratio, 2)} × | {conc_verdict} |")
    else:
        lines.append("| 1000 × 1 MB concurrent over discv5: all complete, aggregate ≥ 0.8 × single stream | "
                     f"not run{' (failed)' if conc and conc.get('failed') is True else ''} | not measured |")
    lines.append(f"| Allocations on the uTP receive path ≤ 2 per DATA packet (steady state; `UTPMultiplexer`) | "
                 f"{fmt(receive['mallocs'] if receive else None, 2)} | "
                 f"{verdict(receive['mallocs'] if receive else None, 2, smaller_is_better=True)} |")
    cpu_handshakes = first(records, "handshakes")
    per_cpu = cpu_handshakes["per_cpu_second"] if ok(cpu_handshakes) else None
    wall_text = f"; package-benchmark, wall clock: {fmt(handshake['ops'], 0)} /s" if handshake else ""
    ceiling = cpu_handshakes.get("crypto_ceiling_per_cpu_second") if ok(cpu_handshakes) else None
    ceiling_ratio = cpu_handshakes.get("ratio_to_crypto_ceiling") if ok(cpu_handshakes) else None
    ceiling_text = (f" = {fmt(ceiling_ratio, 2)} × the same run's secp256k1 ceiling ({fmt(ceiling, 0)} per CPU second)"
                    if ceiling else "")
    ceiling_verdict = f"; ≥ 0.5 × ceiling (the issue's 5 000 of ~10 000): {verdict(ceiling_ratio, 0.5)}" if ceiling else ""
    lines.append(f"| Handshakes ≥ 5 000 per second per core (initiator + recipient work both on one core) | "
                 f"{fmt(per_cpu, 0)} per CPU second{ceiling_text}{wall_text} | {verdict(per_cpu, 5000)}{ceiling_verdict} |")
    lines.append(f"| Idle uTP connection ≤ 16 KiB resident | {fmt(idle / 1024 if idle else None, 1)} KiB | "
                 f"{verdict(idle, 16 * 1024, smaller_is_better=True)} |")
    lines.append("")

    # Loopback.
    lines += ["## Loopback transfers between two processes (127.0.0.1)", "",
              "| Transfer | MiB/s | × libtorrent | datagrams/s | raw UDP blast, same size | × blast (bytes) | × blast (datagrams) |",
              "|---|---|---|---|---|---|---|"]

    def runs(record):
        rates = record.get("all_rates", [])
        text = f"(median of {', '.join(fmt(r) for r in rates)})" if len(rates) > 1 else ""
        if record.get("failed_runs"):
            text += f" ({record['failed_runs']} failed)"
        return text

    def loop_row(label, record, payload_note):
        if not ok(record):
            state = "failed" if record and record.get("failed") is True else "not run"
            return f"| {label} | {state} | | | | | |"
        rate = record["mib_per_s"]
        blast = record.get("blast_mib_per_s")
        dps = record.get("datagrams_per_s")
        blast_dps = record.get("blast_datagrams_per_s")
        return (f"| {label} | {fmt(rate)} {runs(record)} | {fmt(ratio(rate, lt_rate), 2)} | {fmt(dps, 0)} {payload_note} | "
                f"{fmt(blast)} MiB/s, {fmt(blast_dps, 0)} datagrams/s ({record.get('blast_size')} B) | "
                f"{fmt(ratio(rate, blast), 2)} | {fmt(ratio(dps, blast_dps), 2)} |")

    lines.append(loop_row("uTP over raw UDP (`discv5 utp-cat`, 200 MB, 1400-byte payloads)", raw, "(DATA)"))
    lines.append(loop_row("uTP over discv5 (`discv5 get`, 200 MB GetData, 1024-byte payloads)", discv5, "(DATA)"))
    if ok(lt):
        lines.append(f"| libtorrent {lt.get('version', '')} uTP (200 MB torrent, uTP only) | {fmt(lt_rate)} {runs(lt)} | 1.00 | | | | |")
    else:
        lines.append(f"| libtorrent uTP | {'failed' if lt and lt.get('failed') is True else 'not run'} | | | | | |")
    if conc_ok:
        lines.append(f"| {conc.get('transfers')} × {fmt(conc.get('bytes', 0) / max(conc.get('transfers', 1), 1) / 1e6, 0)} MB "
                     f"concurrent over discv5 (aggregate) | {fmt(conc.get('mib_per_s'))} | "
                     f"{fmt(ratio(conc.get('mib_per_s'), lt_rate), 2)} | | | | |")
    else:
        lines.append("| 1000 × 1 MB concurrent over discv5 | not run (`scripts/bench-concurrent.sh` absent or failed) | | | | | |")
    rounds = max(len(r.get("all_rates", [])) for r in (raw or {}, discv5 or {}, lt or {}))
    if rounds > 1:
        lines += ["", f"The 200 MB transfers ran in {rounds} interleaved rounds; each row shows the run with the "
                  "median rate (its datagram and blast figures are from that run) and the rates of all runs."]
    lines += ["", "Datagram rates of the transfers count DATA packets only (bytes ÷ payload size ÷ seconds); "
              "ACKs travel the other way. The blast is `udp-blast` (one sender, one receiver, "
              "both NIO event loops) with datagrams the size of the transfer's DATA packets.", ""]
    if conc_ok and conc.get("utp_packets_received"):
        received, sent = conc["utp_packets_received"], conc.get("utp_packets_sent", 0)
        lines += [f"Concurrent transfers, the client's counts: {received} uTP packets received and {sent} sent "
                  f"(its ACKs: {fmt(sent / received if received else None, 3)} per packet received); "
                  f"{conc.get('datagrams_received')} UDP datagrams received and {conc.get('datagrams_sent')} sent "
                  "(every uTP packet is a TALKREQ answered by an empty TALKRESP).", ""]
    if ok(discv5):
        lines += [f"discv5 transfer (median run): smoothed RTT at the end {fmt(discv5.get('rtt_ms'), 2)} ms, "
                  f"{discv5.get('retransmissions')} retransmissions.", ""]

    # Micro-benchmarks.
    lines += ["## Per-operation costs (package-benchmark, median of the runs)", "",
              "| Suite | Operation | time / op | ops / s | mallocs / op |", "|---|---|---|---|---|"]
    for b in benches:
        time_text = f"{b['ns'] / 1000:.2f} µs" if b["ns"] >= 1000 else f"{b['ns']:.0f} ns"
        if b["ns"] >= 1e6:
            time_text = f"{b['ns'] / 1e6:.2f} ms"
        lines.append(f"| {b['target']} | {b['name']} | {time_text} | {fmt(b['ops'], 1)} | {fmt(b['mallocs'], 2)} |")
    in_memory = bench("uTP in memory")
    if in_memory:
        lines += ["", f"uTP in memory: 8 MB per transfer, both ends on one core → "
                  f"{fmt(8e6 / MIB / (in_memory['ns'] / 1e9))} MiB/s of protocol CPU throughput "
                  "(no sockets: the cost of the two state machines alone)."]
    lines.append("")

    if ok(cpu_handshakes):
        lines += [f"Handshakes per core: `bench-tool handshakes {cpu_handshakes['count']}` ran "
                  f"{cpu_handshakes['count']} complete handshakes (random packet, WHOAREYOU, handshake packet "
                  "with ECDH, id signature and record check, PONG; both machines in one thread) in "
                  f"{cpu_handshakes['cpu_seconds']:.2f} s of thread CPU time ({fmt(per_cpu, 0)} per CPU second) and "
                  f"{cpu_handshakes['wall_seconds']:.2f} s of wall-clock time ({fmt(cpu_handshakes['per_wall_second'], 0)}"
                  " per second while sharing the cores). CPU time is the per-core figure on a shared machine."]
        if cpu_handshakes.get("crypto_ceiling_per_cpu_second"):
            lines += ["", "The crypto ceiling, timed in chunks of 100 interleaved with the handshakes: one ephemeral key, "
                      "two ECDH, one ECDSA signature and two verifications (id signature and record) per handshake, "
                      f"{fmt(cpu_handshakes['crypto_ceiling_per_cpu_second'], 0)} per CPU second; the handshakes reach "
                      f"{fmt(cpu_handshakes['ratio_to_crypto_ceiling'], 2)} × it. The absolute figure follows the "
                      "machine's speed; the ratio does not."]
        lines.append("")

    # Memory.
    lines += ["## Memory", ""]
    if ok(sessions_memory):
        lines.append(f"- Resident bytes per idle discv5 session: **{fmt(sessions_memory['bytes_per_session'], 0)} B** "
                     f"({sessions_memory['count']} handshakes with one node; the sessions of both sides counted; "
                     "`bench-tool memory-sessions`).")
    else:
        lines.append("- Resident bytes per idle discv5 session: not measured (bench-tool failed)")
    if ok(utp_memory):
        lines.append(f"- Resident bytes per idle uTP connection: **{fmt(utp_memory['bytes_per_connection'], 0)} B** "
                     f"({utp_memory['count']} connected `UTPConnection` pairs that exchanged 100 bytes; both ends "
                     "counted; `bench-tool memory-utp`).")
    else:
        lines.append("- Resident bytes per idle uTP connection: not measured (bench-tool failed)")
    lines.append("- Each is the growth of the process's resident set (`/proc/self/statm`) divided by the count, "
                 "in a process of its own.")
    lines.append("")

    # Loss sweep.
    lines += ["## Goodput against loss rate (simulated network)", "",
              "![uTP goodput against loss rate](loss-rate.svg)", "",
              "| Loss | Goodput (MiB/s, simulated time) | Datagrams sent | Lost | Completed | CPU wall time |",
              "|---|---|---|---|---|---|"]
    for p in losses:
        outcome = "yes" if p["completed"] else f"no: {p.get('failure', '')}"
        lines.append(f"| {p['loss_percent']:g} % | {fmt(p['mib_per_s'], 2)} | {p['datagrams']} | {p['lost']} | "
                     f"{outcome} | {p['wall_seconds']:.2f} s |")
    lines += ["", "Two `UTPConnection`s through `SimulatedNetwork` (Discv5Testing) on a manual clock: 100 Mbit/s "
              "each way, 10 ms one-way delay, the loss applied to both directions, 8 MB per point "
              "(`bench-tool loss-sweep 8`).", ""]
    with open(os.path.join(output_dir, "loss-rate.svg"), "w") as f:
        f.write(loss_chart(losses))

    # Trace.
    trace = os.path.join(results_dir, "trace.csv")
    lines += ["## Congestion window and RTT over one transfer", ""]
    if os.path.exists(trace):
        with open(os.path.join(output_dir, "transfer-trace.svg"), "w") as f:
            f.write(trace_chart(trace, "200 MB GetData over uTP-over-discv5, 127.0.0.1 (receiver's view)"))
        lines += ["![cwnd and RTT over one transfer](transfer-trace.svg)", "",
                  "Recorded by `discv5 get --trace` during the first round's 200 MB uTP-over-discv5 transfer, at the "
                  "receiving end: its congestion window and bytes in flight belong to its own direction, which "
                  "carries only ACKs, and its RTT estimate comes from the few packets it sent itself. The "
                  "sender's side follows, from a simulated transfer.", ""]
    else:
        lines += ["not recorded (the uTP-over-discv5 transfer failed)", ""]
    sim_trace = os.path.join(results_dir, "sim-trace.csv")
    sim = first(records, "sim-trace")
    if os.path.exists(sim_trace) and ok(sim):
        with open(os.path.join(output_dir, "sim-trace.svg"), "w") as f:
            f.write(trace_chart(sim_trace, f"Sender of 8 MB over uTP, simulated 100 Mbit/s, 10 ms, {sim['loss_percent']:g} % loss"))
        lines += ["![sender cwnd and RTT, simulated](sim-trace.svg)", "",
                  "The sending side, where the congestion window lives: two `UTPConnection`s through "
                  f"`SimulatedNetwork` with {sim['loss_percent']:g} % loss each way "
                  f"(`bench-tool trace sim-trace.csv {sim['loss_percent']:g}`); "
                  f"{fmt(sim['mib_per_s'], 2)} MiB/s over {fmt(sim['sim_seconds'], 2)} simulated seconds.", ""]

    # How.
    lines += ["## How each figure was produced", "",
              "- `make bench` → `Benchmarks/run.sh` (this report: `Benchmarks/scripts/report.py`; raw results in "
              "`Benchmarks/results/`).",
              "- Per-operation costs: `cd Benchmarks && swift package benchmark` (suites Codecs, Handshakes, UTPInMemory).",
              "- Loss sweep and memory: `bench-tool loss-sweep 8`, `bench-tool memory-sessions 2000`, "
              "`bench-tool memory-utp 2000` (`cd Benchmarks && swift run -c release bench-tool …`).",
              "- uTP over raw UDP and its blast: `scripts/bench-utp.sh 200`.",
              "- uTP over discv5, its blast and the trace: `BENCH_TRACE=trace.csv BENCH_RAW=0 scripts/bench-getdata.sh 200`.",
              "- libtorrent: `/usr/bin/python3 scripts/bench-libtorrent-utp.py bench 200` (two sessions on 127.0.0.1, "
              "uTP only, 4 MiB socket buffers, 100 ms tick).",
              "- Concurrent: `scripts/bench-concurrent.sh 1000 1` when present.",
              "- Simulated sender trace: `bench-tool trace sim-trace.csv 1`.",
              "- Handshakes per CPU second: `bench-tool handshakes 3000`.", ""]
    failures = [r for rs in records.values() for r in rs if r.get("failed") is True]
    if failures:
        lines += ["## Steps that failed", ""] + [f"- {r['name']}: {r.get('error', '')}" for r in failures] + [""]
    with open(os.path.join(output_dir, "REPORT.md"), "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
