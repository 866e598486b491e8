#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Floods a discv5 node on loopback with junk while a legitimate peer keeps pinging it.

Usage: scripts/flood.py [--discv5 .build/release/discv5] [--seconds 60] [--workers 2]

Starts `discv5 run` on 127.0.0.1 (its own temporary data directory), then for --seconds sends as
fast as the workers can:
  - random datagrams of 0-1500 bytes;
  - valid-looking discv5 packets, headers masked with the node's id: ordinary packets from random
    node ids (each asks for a WHOAREYOU), handshake packets nobody asked for, WHOAREYOU packets
    nobody asked for, and copies with a few bytes flipped;
all from 512 sockets spread over 127.0.0.2-127.255.x.x (many source addresses and ports). Meanwhile
`discv5 ping` (a fresh node, so a fresh handshake, from 127.0.0.1) runs once a second, and
`discv5 talk --protocol 757470` sends uTP SYNs with random connection ids over TALKREQ.
Prints the node's RSS before, peak during and after, what was sent and what came back (the
amplification ratio), and how many pings were answered during and after the flood.
Needs Python 3.9+ with the `cryptography` package (for the header masking). Sends only to
127.0.0.1; stops the node and itself at the end. Exit status 1 when a ping after
the flood fails.
"""
import argparse, json, multiprocessing as mp, os, random, socket, struct, subprocess, sys, tempfile, threading, time

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def kernel_drops(port):
    """Datagrams the kernel dropped for the node's socket (its receive queue was full)."""
    try:
        with open("/proc/net/udp") as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if fields[1] == f"0100007F:{port:04X}":
                    return int(fields[-1])
    except (OSError, ValueError, IndexError):
        pass
    return -1


def mask(node_id, iv, header):
    encryptor = Cipher(algorithms.AES(node_id[:16]), modes.CTR(iv)).encryptor()
    return encryptor.update(header) + encryptor.finalize()


def packet(rng, node_id, triggers=True):
    """A discv5 packet with a correctly masked header and random contents (discv5-wire.md)."""
    # Mostly ordinary: each one asks for a WHOAREYOU.
    flag = rng.choice((0, 0, 0, 1, 2) if triggers else (1, 2))
    if flag == 0:
        authdata = rng.randbytes(32)  # a random source node id
        body = rng.randbytes(rng.randint(16, 600))
    elif flag == 1:
        authdata = rng.randbytes(16) + struct.pack(">Q", rng.getrandbits(64))
        body = b""
    else:
        record = rng.randbytes(rng.randint(0, 200))
        authdata = rng.randbytes(32) + bytes([64, 33]) + rng.randbytes(64 + 33) + record
        body = rng.randbytes(rng.randint(16, 400))
    header = b"discv5" + b"\x00\x01" + bytes([flag]) + rng.randbytes(12) + struct.pack(">H", len(authdata)) + authdata
    iv = rng.randbytes(16)
    return (iv + mask(node_id, iv, header) + body)[:1280]


def worker(index, port, node_id, stop_at, sent, sent_bytes, back, back_bytes, mix):
    rng = random.Random(0x5EED + index)
    sockets = []
    for n in range(256):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        # Source addresses 127.a.b.c, none of them 127.0.0.1 (the legitimate peer's).
        address = f"127.{1 + index * 16 + n // 64}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        try:
            s.bind((address, 0))
        except OSError:
            s.bind(("127.0.0.2", 0))
        s.setblocking(False)
        sockets.append(s)
    triggers = mix != "no-triggers"
    templates = [packet(rng, node_id, triggers) for _ in range(512)]
    junk = [rng.randbytes(rng.randint(0, 1500)) for _ in range(256)]
    target = ("127.0.0.1", port)
    count = total = got = got_bytes = 0
    while time.monotonic() < stop_at:
        for round_index in range(256):
            s = sockets[round_index]
            choice = 0 if mix == "random" else round_index % 4
            if choice == 0:
                data = junk[rng.randrange(len(junk))]
            elif choice == 1:
                data = bytearray(templates[rng.randrange(len(templates))])
                for _ in range(rng.randint(1, 3)):
                    data[rng.randrange(len(data))] ^= rng.randint(1, 255)
                data = bytes(data)
            else:
                data = templates[rng.randrange(len(templates))]
            try:
                s.sendto(data, target)
                count += 1
                total += len(data)
            except OSError:
                pass
        for s in sockets:
            while True:
                try:
                    reply = s.recv(2048)
                except OSError:
                    break
                got += 1
                got_bytes += len(reply)
        # Fresh random source ids for the ordinary packets now and then.
        templates[rng.randrange(len(templates))] = packet(rng, node_id, triggers)
        with sent.get_lock():
            sent.value += count
            sent_bytes.value += total
            back.value += got
            back_bytes.value += got_bytes
        count = total = got = got_bytes = 0
    time.sleep(0.5)
    for s in sockets:
        while True:
            try:
                reply = s.recv(2048)
            except OSError:
                break
            with back.get_lock():
                back.value += 1
                back_bytes.value += len(reply)


def utp_syn(rng):
    # BEP 29 header: type SYN (4) << 4 | version 1, no extension, connection id, timestamps, wnd, seq, ack.
    return struct.pack(">BBHIIIHH", 0x41, 0, rng.getrandbits(16), 0, 0, 1 << 20, rng.getrandbits(16), 0).hex()


def run_client(discv5, args, timeout=20):
    try:
        r = subprocess.run([discv5, *args, "--json", "--listen", "127.0.0.1:0"], capture_output=True, timeout=timeout)
        return r.returncode == 0
    except subprocess.TimeoutExpired:
        return False


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--discv5", default=".build/release/discv5")
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--port", type=int, default=0, help="node port (default: a free one)")
    p.add_argument("--mix", choices=("all", "random", "no-triggers"), default="all",
                   help="all: random and valid-looking packets (default); random: random datagrams only; "
                        "no-triggers: no ordinary packets (nothing asks for a WHOAREYOU)")
    a = p.parse_args()
    if not os.access(a.discv5, os.X_OK):
        print(f"flood.py: {a.discv5} is not an executable; build with 'swift build -c release'", file=sys.stderr)
        return 2
    port = a.port
    if port == 0:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
    data_dir = tempfile.mkdtemp(prefix="discv5-flood-")
    node = subprocess.Popen(
        [a.discv5, "run", "--listen", f"127.0.0.1:{port}", "--data-dir", data_dir, "--json", "--talk-echo",
         "--log-level", "error"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        identity = json.loads(node.stdout.readline())
        enr, node_id = identity["enr"], bytes.fromhex(identity["node_id"])
        # Warm up: a few pings so the node's steady state is what "before" measures.
        for _ in range(3):
            run_client(a.discv5, ["ping", enr])
        time.sleep(1)
        before = rss_kib(node.pid)

        stop_at = time.monotonic() + a.seconds
        sent, sent_bytes = mp.Value("q", 0), mp.Value("q", 0)
        back, back_bytes = mp.Value("q", 0), mp.Value("q", 0)
        workers = [mp.Process(target=worker, args=(i, port, node_id, stop_at, sent, sent_bytes, back, back_bytes, a.mix))
                   for i in range(a.workers)]
        for w in workers:
            w.start()

        syn_ok = [0, 0]
        def syn_noise():
            rng = random.Random(7)
            while time.monotonic() < stop_at:
                ok = run_client(a.discv5, ["talk", enr, "--protocol", "757470", "--payload", utp_syn(rng)])
                syn_ok[0 if ok else 1] += 1
        noise = threading.Thread(target=syn_noise)
        noise.start()

        peak, samples = before, []
        pings_ok = pings_failed = 0
        while time.monotonic() < stop_at:
            started = time.monotonic()
            if run_client(a.discv5, ["ping", enr]):
                pings_ok += 1
            else:
                pings_failed += 1
            rss = rss_kib(node.pid)
            samples.append(rss)
            peak = max(peak, rss)
            time.sleep(max(0, 1 - (time.monotonic() - started)))
        for w in workers:
            w.join()
        noise.join()
        time.sleep(5)
        after_ok = sum(run_client(a.discv5, ["ping", enr]) for _ in range(3))
        after = rss_kib(node.pid)
        dropped = kernel_drops(port)
        alive = node.poll() is None

        mib = lambda kib: f"{kib / 1024:.1f} MiB"
        print(f"flood: {a.seconds:.0f} s, {a.workers} workers, node 127.0.0.1:{port} (pid {node.pid})")
        print(f"rss: before {mib(before)}, peak during {mib(peak)}, after {mib(after)}"
              f" (samples during: min {mib(min(samples or [0]))}, max {mib(max(samples or [0]))})")
        print(f"junk sent: {sent.value} datagrams, {sent_bytes.value} bytes, {sent.value / a.seconds:.0f}/s")
        ratio = back_bytes.value / sent_bytes.value if sent_bytes.value else 0
        print(f"sent back to the flooders: {back.value} datagrams, {back_bytes.value} bytes"
              f" (bytes back / bytes in = {ratio:.5f})")
        print(f"dropped by the kernel before the node read them (receive queue full): {dropped}")
        print(f"pings during the flood: {pings_ok} answered, {pings_failed} failed; after: {after_ok}/3 answered")
        print(f"uTP SYNs over TALKREQ (one fresh client each): {syn_ok[0]} answered, {syn_ok[1]} failed")
        print(f"node still running: {alive}")
        return 0 if alive and after_ok == 3 else 1
    finally:
        node.terminate()
        try:
            node.wait(timeout=10)
        except subprocess.TimeoutExpired:
            node.kill()
        subprocess.run(["rm", "-rf", data_dir])


if __name__ == "__main__":
    sys.exit(main())
