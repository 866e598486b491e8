#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Floods a running discv5 node on loopback with junk datagrams while a legitimate peer pings it.

Usage: scripts/flood.py --pid PID --port PORT --enr ENR --discv5 PATH [--seconds 60]
Prints the node's peak RSS before, during and after the flood, the datagram rate sent, and how
many pings succeeded. Sends only to 127.0.0.1; stops by itself.
"""
import argparse, os, random, socket, subprocess, threading, time

def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--enr", required=True)
    p.add_argument("--discv5", required=True)
    p.add_argument("--seconds", type=float, default=60)
    a = p.parse_args()
    before = rss_kib(a.pid)
    stop = time.monotonic() + a.seconds
    sent = [0]
    def flood(seed):
        rng = random.Random(seed)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        junk = [bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 1500))) for _ in range(256)]
        # Packets that pass the size check and look like discv5 to the header parser.
        junk += [os.urandom(16) + b"discv5" + os.urandom(rng.randint(41, 1200)) for _ in range(256)]
        while time.monotonic() < stop:
            for d in junk:
                try:
                    s.sendto(d, ("127.0.0.1", a.port))
                except OSError:
                    pass
            sent[0] += len(junk)
    threads = [threading.Thread(target=flood, args=(i,)) for i in range(2)]
    for t in threads: t.start()
    peak, ok, fail = before, 0, 0
    while time.monotonic() < stop:
        r = subprocess.run([a.discv5, "ping", a.enr, "--json"], capture_output=True, timeout=30)
        ok += r.returncode == 0
        fail += r.returncode != 0
        peak = max(peak, rss_kib(a.pid))
        time.sleep(1)
    for t in threads: t.join()
    time.sleep(2)
    after = rss_kib(a.pid)
    print(f"rss_kib before={before} peak_during={peak} after={after}")
    print(f"junk datagrams sent={sent[0]} rate={sent[0]/a.seconds:.0f}/s pings ok={ok} failed={fail}")

if __name__ == "__main__":
    main()
