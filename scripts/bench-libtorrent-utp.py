#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""libtorrent's uTP on 127.0.0.1: the baseline for scripts/bench-utp.sh, and an interop check of ours.

  scripts/bench-libtorrent-utp.py bench [SIZE_MB=200]
      Two libtorrent sessions on 127.0.0.1 (uTP only: TCP off both ways; 4 MiB socket buffers; 100 ms
      tick) seed and leech SIZE_MB of random data; prints MiB/s, then one JSON line for the benchmark
      report: {"name":"libtorrent","bytes":N,"seconds":S,"mib_per_s":R,"utp_only":true,...}.
      Fails when a peer connection is not uTP.
  scripts/bench-libtorrent-utp.py interop DISCV5_BINARY
      A libtorrent session seeds a small torrent; `discv5 utp-cat --connect` opens a uTP connection to its
      port and sends the 68-byte BitTorrent handshake for the info-hash; passes when libtorrent's handshake
      (same info-hash) comes back over our uTP stream.
Needs Debian's python3-libtorrent.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import libtorrent as lt


# peer_info::utp_socket (bit 17 of libtorrent 2.0's peer_flags_t); Debian's binding does not export the name.
UTP_SOCKET = int(getattr(lt.peer_info, "utp_socket", 1 << 17))


def session(port):
    return lt.session({
        "listen_interfaces": f"127.0.0.1:{port}",
        "enable_outgoing_tcp": False,
        "enable_incoming_tcp": False,
        "enable_outgoing_utp": True,
        "enable_incoming_utp": True,
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        # libtorrent's default tick is 500 ms; uTP timers and rate updates run on it.
        "tick_interval": 100,
        "send_socket_buffer_size": 4 << 20,
        "recv_socket_buffer_size": 4 << 20,
        "allow_multiple_connections_per_ip": True,
        "send_buffer_watermark": 8 << 20,
        "send_buffer_low_watermark": 1 << 20,
        "max_queued_disk_bytes": 16 << 20,
        "alert_mask": lt.alert.category_t.error_notification,
    })


def make_torrent(directory, size):
    path = os.path.join(directory, "data.bin")
    with open(path, "wb") as f:
        remaining = size
        while remaining > 0:
            n = min(remaining, 1 << 24)
            f.write(os.urandom(n))
            remaining -= n
    fs = lt.file_storage()
    lt.add_files(fs, path)
    torrent = lt.create_torrent(fs, 1 << 22)
    lt.set_piece_hashes(torrent, directory)
    return lt.torrent_info(torrent.generate())


def add(ses, info, save_path, seed):
    params = lt.add_torrent_params()
    params.ti = info
    params.save_path = save_path
    if seed:
        params.flags |= lt.torrent_flags.seed_mode
    return ses.add_torrent(params)


def wait_listening(ses):
    for _ in range(200):
        if ses.listen_port():
            return ses.listen_port()
        time.sleep(0.01)
    raise SystemExit("libtorrent did not listen")


def bench(size_mb):
    work = tempfile.mkdtemp()
    try:
        seed_dir, leech_dir = os.path.join(work, "seed"), os.path.join(work, "leech")
        os.makedirs(seed_dir)
        os.makedirs(leech_dir)
        info = make_torrent(seed_dir, size_mb * 1000000)
        seeder, leecher = session(0), session(0)
        add(seeder, info, seed_dir, seed=True)
        handle = add(leecher, info, leech_dir, seed=False)
        port = wait_listening(seeder)
        time.sleep(0.2)
        start = time.time()
        handle.connect_peer(("127.0.0.1", port))
        deadline = start + 300
        seen, utp = 0, True  # peer connections observed, and whether every one was uTP
        while not handle.status().is_seeding:
            if time.time() > deadline:
                raise SystemExit("libtorrent transfer did not finish in 300 s")
            peers = handle.get_peer_info()
            seen += len(peers)
            utp = utp and all(int(p.flags) & UTP_SOCKET for p in peers)
            time.sleep(0.01)
        elapsed = time.time() - start
        utp = utp and seen > 0
        status = handle.status()
        size = size_mb * 1000000
        print(f"libtorrent {lt.__version__} uTP{'' if utp else ' (NOT all uTP!)'}: {size_mb} MB in {elapsed:.2f} s "
              f"= {size / elapsed / 1048576:.1f} MiB/s")
        print(json.dumps({
            "name": "libtorrent", "version": lt.__version__, "bytes": size, "seconds": round(elapsed, 3),
            "mib_per_s": round(size / elapsed / 1048576, 2), "utp_only": utp,
            "payload_bytes_downloaded": status.total_payload_download,
        }))
        if not utp:
            raise SystemExit("libtorrent used a connection that is not uTP")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def interop(binary):
    work = tempfile.mkdtemp()
    try:
        info = make_torrent(work, 1 << 20)
        seeder = session(0)
        add(seeder, info, work, seed=True)
        port = wait_listening(seeder)
        time.sleep(0.2)
        info_hash = info.info_hashes().v1.to_bytes()
        handshake = b"\x13BitTorrent protocol" + bytes(8) + info_hash + b"-SW0001-" + os.urandom(12)
        assert len(handshake) == 68
        cat = subprocess.Popen([binary, "utp-cat", "--connect", f"127.0.0.1:{port}"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        cat.stdin.write(handshake)
        cat.stdin.flush()
        reply = b""
        deadline = time.time() + 10
        while len(reply) < 68 and time.time() < deadline:
            chunk = os.read(cat.stdout.fileno(), 68 - len(reply))
            if not chunk:
                break
            reply += chunk
        cat.kill()
        _, errors = cat.communicate(timeout=10)
        if len(reply) < 68 or reply[:20] != handshake[:20] or reply[28:48] != info_hash:
            raise SystemExit(f"interop FAILED: got {reply!r}; utp-cat said {errors.decode().strip()}")
        print(f"interop OK: libtorrent {lt.__version__} answered the BitTorrent handshake over our uTP "
              f"(peer id {reply[48:56]!r})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "bench"
    if mode == "bench":
        bench(int(sys.argv[2]) if len(sys.argv) > 2 else 200)
    elif mode == "interop":
        interop(sys.argv[2])
    else:
        raise SystemExit(__doc__)
