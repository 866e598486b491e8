#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Soak test: a network of `discv5 run` processes on 127.0.0.1 with churn and continuous transfers.

Usage (normally through `make soak MINUTES=N`):
    scripts/soak.py --discv5 .build/release/discv5 [--minutes 10] [--nodes 50] [--work DIR]

What it does:
- starts NODES `discv5 run` processes (node 0, started without bootnodes, is the bootnode of every
  other; each node also gets up to --bootnodes random earlier nodes), each with its own --data-dir
  and a --serve-dir holding hard links to shared files (4 KiB to 32 MiB) plus one file of its own;
- churn: every few seconds a node (never node 0, never one of the long-lived RSS reference set)
  leaves with SIGTERM (exit code and shutdown time recorded) or SIGKILL, its data-dir files are
  checked to parse, and after a pause it rejoins with the same data dir and port; its node id must
  be unchanged and its record seq must have grown;
- transfers: a few workers run `discv5 get ENR NAME --json` against random live nodes without end;
  each result is compared with the expected size and SHA-256: byte-exact, or failed with a reason
  (a success with other bytes is counted as "wrong data", the one outcome that must stay at 0);
- RSS of every process that lives through the whole run is sampled at the 5-minute mark (half-way
  for runs under 10 minutes) and at the end, both times idle: new transfers are held back until
  none is in flight, then --rss-settle seconds pass (longer than `discv5 run`'s 5 s heap trim);
  the anonymous part (smaps_rollup) is reported beside it, to tell heap growth from file pages;
- at the end every node gets SIGTERM; the summary goes to stdout and to WORK/summary.txt (and
  summary.json). Exit status 0 when no wrong data was seen, no RSS grew past 10 %, every SIGTERM
  ended with exit 0 and the state files parse; 1 otherwise.

Standard library only.
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

SHARED_FILES = [  # name, size in bytes
    ("kb4", 4 * 1024),
    ("kb100", 100 * 1024),
    ("mb1", 1 << 20),
    ("mb8", 8 << 20),
    ("mb32", 32 << 20),
]
OWN_FILE_SIZE = 300 * 1024
# Weights for picking what to fetch: mostly small and medium, a large one now and then.
NAME_WEIGHTS = {"kb4": 3, "kb100": 3, "mb1": 3, "mb8": 2, "mb32": 1, "own": 3}


def now():
    return time.monotonic()


def log(message):
    stamp = time.strftime("%H:%M:%S")
    print(f"[soak {stamp}] {message}", file=sys.stderr, flush=True)


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def anonymous_kib(pid):
    """Anonymous memory (heap, thread stacks, mappings of our own): RSS less the binary's and the
    libraries' file pages, which the kernel may drop or bring back without the process doing anything."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Anonymous:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def free_port_block(count, start):
    """A run of `count` UDP ports from `start` on that are free right now."""
    port = start
    while port + count < 65000:
        sockets = []
        try:
            for offset in range(count):
                sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                sockets.append(sock)
                sock.bind(("127.0.0.1", port + offset))
            return port
        except OSError:
            port += count
        finally:
            for sock in sockets:
                sock.close()
    raise SystemExit("soak: no free block of UDP ports")


class SoakNode:
    def __init__(self, index, port, work, serve_dir):
        self.index = index
        self.port = port
        self.data_dir = os.path.join(work, f"node{index:02d}", "data")
        self.serve_dir = serve_dir
        self.log_path = os.path.join(work, f"node{index:02d}", "run.log")
        self.process = None
        self.enr = None
        self.node_id = None
        self.seq = 0
        self.generation = 0  # bumped at every leave, so a transfer can tell it raced with churn
        self.long_lived = False
        self.rss_mark = None  # (pid, RSS KiB, anonymous KiB) at the RSS mark
        self.rss_end = None

    @property
    def is_up(self):
        return self.process is not None and self.process.poll() is None


class Soak:
    def __init__(self, args):
        self.args = args
        self.binary = os.path.abspath(args.discv5)
        self.work = os.path.abspath(args.work)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.random = random.Random(args.seed)
        self.nodes = []
        self.expected = {}  # (node index or None for shared, name) -> (size, sha256)
        self.transfers_ok = 0
        self.bytes_ok = 0
        self.failures = {}  # reason -> count
        self.failures_racing_churn = 0
        self.wrong_data = []
        self.churn = {"sigterm": 0, "sigkill": 0, "rejoin": 0}
        self.problems = []
        self.shutdown_seconds = []
        self.sigterm_exit_codes = {}
        self.started = None
        self.paused = threading.Event()  # set while RSS is sampled: no new transfers start
        self.active_transfers = 0

    # MARK: - Setup

    def prepare_files(self):
        if os.path.exists(self.work):
            shutil.rmtree(self.work)
        os.makedirs(self.work)
        shared = os.path.join(self.work, "shared")
        os.makedirs(shared)
        for name, size in SHARED_FILES:
            self.expected[(None, name)] = self.write_random(os.path.join(shared, name), size)
        for index in range(self.args.nodes):
            serve = os.path.join(self.work, f"node{index:02d}", "serve")
            os.makedirs(serve)
            for name, _ in SHARED_FILES:
                os.link(os.path.join(shared, name), os.path.join(serve, name))
            own = f"own{index:02d}"
            self.expected[(index, own)] = self.write_random(os.path.join(serve, own), OWN_FILE_SIZE)

    @staticmethod
    def write_random(path, size):
        digest = hashlib.sha256()
        with open(path, "wb") as file:
            left = size
            while left > 0:
                chunk = os.urandom(min(left, 1 << 20))
                digest.update(chunk)
                file.write(chunk)
                left -= len(chunk)
        return size, digest.hexdigest()

    def start_node(self, node, bootnodes):
        arguments = [
            self.binary, "run", "--json", "--log-level", "warning",
            "--listen", f"127.0.0.1:{node.port}",
            "--data-dir", node.data_dir,
            "--serve-dir", os.path.join(self.work, f"node{node.index:02d}", "serve"),
        ]
        for record in bootnodes:
            arguments += ["--bootnode", record]
        log_file = open(node.log_path, "ab")
        process = subprocess.Popen(
            arguments, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log_file
        )
        log_file.close()
        line = process.stdout.readline()
        try:
            identity = json.loads(line)
        except ValueError:
            process.kill()
            process.wait()
            raise RuntimeError(f"node {node.index} printed no identity line (see {node.log_path})")
        # Keep draining stdout so the child never blocks on a full pipe.
        threading.Thread(target=lambda: process.stdout.read(), daemon=True).start()
        previous_id, previous_seq = node.node_id, node.seq
        node.process = process
        node.enr = identity["enr"]
        node.node_id = identity["node_id"]
        node.seq = self.enr_seq(node.enr)
        if previous_id is not None:
            if previous_id != node.node_id:
                self.problem(f"node {node.index} came back with another node id")
            if node.seq <= previous_seq:
                self.problem(f"node {node.index} came back with seq {node.seq} <= {previous_seq}")

    def enr_seq(self, enr):
        result = subprocess.run(
            [self.binary, "enr", "decode", enr, "--json"], capture_output=True, text=True, timeout=30
        )
        try:
            return int(json.loads(result.stdout)["seq"])
        except (ValueError, KeyError):
            self.problem(f"cannot decode a node record: {result.stderr.strip()}")
            return 0

    def problem(self, text):
        log("PROBLEM: " + text)
        with self.lock:
            self.problems.append(text)

    # MARK: - Churn

    def check_data_dir(self, node, how):
        """After a node left, every state file there must parse as a whole."""
        nodes_path = os.path.join(node.data_dir, "nodes.json")
        seq_path = os.path.join(node.data_dir, "enr-seq")
        key_path = os.path.join(node.data_dir, "node.key")
        try:
            with open(key_path) as file:
                key = file.read().strip()
            if len(key) != 64 or os.stat(key_path).st_mode & 0o077:
                self.problem(f"node {node.index}: bad node.key after {how}")
            with open(seq_path) as file:
                int(file.read().strip())
            if os.path.exists(nodes_path):
                with open(nodes_path) as file:
                    records = json.load(file)["nodes"]
                if not all(record.startswith("enr:") for record in records):
                    self.problem(f"node {node.index}: nodes.json holds a non-record after {how}")
            elif how == "SIGTERM":
                self.problem(f"node {node.index}: no nodes.json after SIGTERM")
        except (OSError, ValueError, KeyError) as error:
            self.problem(f"node {node.index}: state file unreadable after {how}: {error}")

    def leave(self, node, hard, counted=True):
        process = node.process
        with self.lock:
            node.generation += 1
        sent = now()
        process.send_signal(signal.SIGKILL if hard else signal.SIGTERM)
        try:
            code = process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.problem(f"node {node.index} still running 20 s after SIGTERM")
            process.kill()
            code = process.wait()
        elapsed = now() - sent
        if hard:
            self.churn["sigkill"] += 1
            self.check_data_dir(node, "SIGKILL")
        else:
            if counted:
                self.churn["sigterm"] += 1
            self.shutdown_seconds.append(elapsed)
            self.sigterm_exit_codes[code] = self.sigterm_exit_codes.get(code, 0) + 1
            if code != 0:
                self.problem(f"node {node.index} exited {code} after SIGTERM")
            self.check_data_dir(node, "SIGTERM")

    def churn_loop(self):
        churnable = [node for node in self.nodes if not node.long_lived]
        while not self.stop.wait(self.random.uniform(*self.args.churn_interval)):
            node = self.random.choice(churnable)
            if not node.is_up:
                continue
            hard = self.random.random() < self.args.kill_fraction
            self.leave(node, hard)
            if self.stop.wait(self.random.uniform(2, 10)):
                break
            try:
                self.start_node(node, [self.nodes[0].enr])
                self.churn["rejoin"] += 1
            except (RuntimeError, OSError) as error:
                self.problem(f"node {node.index} failed to rejoin: {error}")

    # MARK: - Transfers

    def pick_transfer(self):
        while True:
            node = self.random.choice(self.nodes)
            if node.is_up:
                break
            time.sleep(0.05)
        names = list(NAME_WEIGHTS)
        name = self.random.choices(names, weights=[NAME_WEIGHTS[n] for n in names])[0]
        if name == "own":
            name = f"own{node.index:02d}"
            expected = self.expected[(node.index, name)]
        else:
            expected = self.expected[(None, name)]
        return node, name, expected

    @staticmethod
    def failure_reason(stderr):
        text = stderr.lower()
        for needle, reason in [
            ("reset by the peer", "reset by peer"),
            ("refused", "refused"),
            ("uTP connection timed out".lower(), "uTP timeout"),
            ("timed out after", "overall timeout"),
            ("did not answer", "no answer (discv5 timeout)"),
            ("busy", "peer busy (limit reached)"),
            ("short stream", "short stream"),
            ("not found", "not found"),
            ("larger than --max-bytes", "limit reached (size)"),
        ]:
            if needle in text:
                return reason
        line = stderr.strip().splitlines()[-1] if stderr.strip() else "no message"
        return "other: " + line[:120]

    def transfer_loop(self):
        while not self.stop.is_set():
            if self.paused.is_set():
                time.sleep(0.1)
                continue
            with self.lock:
                self.active_transfers += 1
            try:
                self.one_transfer()
            finally:
                with self.lock:
                    self.active_transfers -= 1

    def one_transfer(self):
        node, name, (size, sha256) = self.pick_transfer()
        generation = node.generation
        try:
            result = subprocess.run(
                [self.binary, "get", node.enr, name, "--json", "--timeout", str(self.args.get_timeout)],
                stdin=subprocess.DEVNULL, capture_output=True, text=True,
                timeout=self.args.get_timeout + 30,
            )
            code, stdout, stderr = result.returncode, result.stdout, result.stderr
        except subprocess.TimeoutExpired:
            code, stdout, stderr = None, "", "get process hung past its own timeout"
        raced = node.generation != generation or not node.is_up
        with self.lock:
            if code == 0:
                try:
                    answer = json.loads(stdout.strip().splitlines()[-1])
                    got = (int(answer["bytes"]), answer["sha256"])
                except (ValueError, KeyError, IndexError):
                    got = None
                if got == (size, sha256):
                    self.transfers_ok += 1
                    self.bytes_ok += size
                else:
                    self.wrong_data.append(f"node {node.index} {name}: expected {size} B, got {got}")
                    log(f"PROBLEM: wrong data reported as success: node {node.index} {name} {got}")
            else:
                reason = self.failure_reason(stderr) if code is not None else "get process hung"
                if code not in (None, 1):
                    reason += f" (exit {code})"
                self.failures[reason] = self.failures.get(reason, 0) + 1
                if raced:
                    self.failures_racing_churn += 1

    # MARK: - Run

    def sample_rss(self, attribute):
        """Samples idle RSS: no transfer in flight, then a pause longer than `discv5 run`'s 5 s
        heap trim, so both samples compare like with like (not a transfer's buffers at a peak)."""
        self.paused.set()
        deadline = now() + 180
        while now() < deadline:
            with self.lock:
                if self.active_transfers == 0:
                    break
            time.sleep(0.1)
        time.sleep(self.args.rss_settle)
        for node in self.nodes:
            if node.long_lived and node.is_up:
                pid = node.process.pid
                setattr(node, attribute, (pid, rss_kib(pid), anonymous_kib(pid)))
        self.paused.clear()

    def run(self):
        args = self.args
        log(f"preparing files in {self.work}")
        self.prepare_files()
        base = free_port_block(args.nodes, args.base_port)
        self.nodes = [
            SoakNode(index, base + index, self.work, None) for index in range(args.nodes)
        ]
        # Nodes whose RSS is followed: they never churn. Node 0 (the bootnode) and a fixed share.
        for node in self.nodes:
            node.long_lived = node.index == 0 or node.index % 2 == 1
        log(f"starting {args.nodes} nodes on 127.0.0.1:{base}-{base + args.nodes - 1}")
        # Node 0 starts with no bootnode (and an empty data dir), so it runs as a bootnode and
        # admits every node that joins it. A joining node admits nodes that contact it only once
        # its own queries found enough live ones, so each also gets up to BOOTNODES earlier nodes
        # to start from, besides node 0.
        for node in self.nodes:
            earlier = self.nodes[1:node.index]
            extra = self.random.sample(earlier, min(len(earlier), args.bootnodes))
            self.start_node(node, ([] if node.index == 0 else [self.nodes[0].enr]) + [n.enr for n in extra])
        self.started = now()
        duration = args.minutes * 60
        mark = 300 if duration >= 600 else duration / 2
        log(f"network up; running for {args.minutes} min (RSS mark at {mark:.0f} s)")
        workers = [threading.Thread(target=self.transfer_loop) for _ in range(args.workers)]
        churner = threading.Thread(target=self.churn_loop)
        for thread in workers + [churner]:
            thread.start()
        marked = False
        last_report = now()
        while now() - self.started < duration:
            time.sleep(1)
            if not marked and now() - self.started >= mark:
                self.sample_rss("rss_mark")
                marked = True
                log("RSS sampled at the mark")
            if now() - last_report >= 60:
                last_report = now()
                with self.lock:
                    failed = sum(self.failures.values())
                log(
                    f"{(now() - self.started) / 60:.1f} min: {self.transfers_ok} ok, {failed} failed, "
                    f"{self.bytes_ok / 1e6:.0f} MB, churn {self.churn}"
                )
            for node in self.nodes:
                if node.long_lived and not node.is_up:
                    self.problem(f"long-lived node {node.index} died (exit {node.process.returncode})")
                    node.long_lived = False
        self.stop.set()
        log("stopping transfers and churn")
        churner.join()
        for thread in workers:
            thread.join()
        self.sample_rss("rss_end")
        lookup = self.final_lookup()
        log("SIGTERM to every node")
        for node in self.nodes:
            if node.is_up:
                self.leave(node, hard=False, counted=False)
        tables = []
        for node in self.nodes:
            try:
                with open(os.path.join(node.data_dir, "nodes.json")) as file:
                    tables.append(len(json.load(file)["nodes"]))
            except (OSError, ValueError, KeyError):
                pass
        return self.summary(duration, mark, lookup, sorted(tables))

    def final_lookup(self):
        try:
            result = subprocess.run(
                [self.binary, "lookup", "--bootnode", next(n for n in self.nodes if n.is_up).enr, "--json"],
                capture_output=True, text=True, timeout=60,
            )
        except (subprocess.TimeoutExpired, StopIteration):
            self.problem("final lookup did not finish within 60 s (or no node was up)")
            return None
        try:
            return len(json.loads(result.stdout)["nodes"])
        except (ValueError, KeyError):
            log(f"final lookup failed: {result.stderr.strip()}")
            return None

    def summary(self, duration, mark, lookup, tables):
        deviations = []
        for node in self.nodes:
            if node.long_lived and node.rss_mark and node.rss_end and node.rss_mark[0] == node.rss_end[0]:
                start, end = node.rss_mark[1], node.rss_end[1]
                if start and end:
                    anonymous = (node.rss_mark[2], node.rss_end[2])
                    deviations.append((node.index, start, end, (end - start) / start * 100, anonymous))
        worst = max(deviations, key=lambda item: abs(item[3]), default=None)
        over = [item for item in deviations if abs(item[3]) > 10]
        failed = sum(self.failures.values())
        shutdown = sorted(self.shutdown_seconds)
        lines = [
            f"soak: {self.args.nodes} nodes, {self.args.minutes} min, {self.args.workers} transfer workers, "
            f"seed {self.args.seed}",
            f"transfers: {self.transfers_ok + failed + len(self.wrong_data)} total, {self.transfers_ok} byte-exact "
            f"({self.bytes_ok / 1e6:.1f} MB), {failed} failed ({self.failures_racing_churn} of them raced churn of "
            f"their target), {len(self.wrong_data)} wrong data reported as success",
        ]
        for reason, count in sorted(self.failures.items(), key=lambda item: -item[1]):
            lines.append(f"  failed: {reason}: {count}")
        for text in self.wrong_data:
            lines.append(f"  WRONG DATA: {text}")
        lines.append(
            f"churn: {self.churn['sigterm']} SIGTERM, {self.churn['sigkill']} SIGKILL, {self.churn['rejoin']} rejoins"
            f" (plus {self.args.nodes} SIGTERM at the end)"
        )
        if shutdown:
            lines.append(
                f"SIGTERM to exit: {len(shutdown)} shutdowns, exit codes {self.sigterm_exit_codes}, median "
                f"{shutdown[len(shutdown) // 2] * 1000:.0f} ms, max {shutdown[-1] * 1000:.0f} ms"
            )
        lines.append(f"final lookup from a fresh node via the bootnode: {lookup} nodes found")
        if tables:
            lines.append(
                f"live table entries saved at the final SIGTERM: min {tables[0]}, median "
                f"{tables[len(tables) // 2]}, max {tables[-1]} ({len(tables)} nodes)"
            )
        lines.append(
            f"RSS (KiB) of {len(deviations)} long-lived processes, idle (transfers paused, "
            f"{self.args.rss_settle:.0f} s settle) at {mark:.0f} s vs end:"
        )
        for index, start, end, percent, (anon_start, anon_end) in deviations:
            lines.append(f"  node {index:02d}: {start} -> {end} ({percent:+.1f} %), anonymous {anon_start} -> {anon_end}")
        if worst:
            lines.append(
                f"RSS max deviation: {worst[3]:+.1f} % (node {worst[0]}); over 10 %: {len(over)} processes"
            )
        lines.append(f"problems: {len(self.problems)}")
        for text in self.problems:
            lines.append(f"  {text}")
        passed = not self.wrong_data and not over and not self.problems
        lines.append("result: " + ("PASS" if passed else "FAIL"))
        text = "\n".join(lines)
        print(text, flush=True)
        with open(os.path.join(self.work, "summary.txt"), "w") as file:
            file.write(text + "\n")
        with open(os.path.join(self.work, "summary.json"), "w") as file:
            json.dump(
                {
                    "nodes": self.args.nodes, "minutes": self.args.minutes,
                    "transfers_ok": self.transfers_ok, "bytes_ok": self.bytes_ok,
                    "failures": self.failures, "failures_racing_churn": self.failures_racing_churn,
                    "wrong_data": self.wrong_data, "churn": self.churn,
                    "shutdown_seconds": shutdown, "sigterm_exit_codes": {str(k): v for k, v in
                                                                         self.sigterm_exit_codes.items()},
                    "rss_kib": [{"node": i, "mark": s, "end": e, "percent": p, "anonymous_mark": a[0],
                                 "anonymous_end": a[1]} for i, s, e, p, a in deviations],
                    "final_lookup_nodes": lookup, "table_sizes": tables, "problems": self.problems, "passed": passed,
                },
                file, indent=1,
            )
        log(f"summary written to {os.path.join(self.work, 'summary.txt')}")
        return 0 if passed else 1

    def kill_all(self):
        for node in self.nodes:
            if node.is_up:
                node.process.kill()
                node.process.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--discv5", required=True, help="the release discv5 binary")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--nodes", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="concurrent `discv5 get` loops")
    parser.add_argument("--work", default=".build/soak", help="work directory (emptied first)")
    parser.add_argument("--base-port", type=int, default=41000)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--kill-fraction", type=float, default=0.3, help="share of churn leaves by SIGKILL")
    parser.add_argument("--churn-interval", type=float, nargs=2, default=(5, 15), metavar=("MIN", "MAX"),
                        help="seconds between churn events")
    parser.add_argument("--get-timeout", type=float, default=60)
    parser.add_argument("--rss-settle", type=float, default=8, help="idle seconds before an RSS sample")
    parser.add_argument("--bootnodes", type=int, default=10, help="earlier nodes given to each node as bootnodes")
    args = parser.parse_args()
    soak = Soak(args)
    try:
        status = soak.run()
    except KeyboardInterrupt:
        soak.stop.set()
        soak.kill_all()
        raise
    except BaseException:
        soak.stop.set()
        soak.kill_all()
        raise
    soak.kill_all()
    sys.exit(status)


if __name__ == "__main__":
    main()
