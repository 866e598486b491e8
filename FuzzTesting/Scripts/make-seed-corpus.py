#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the seed corpora under FuzzTesting/Corpus/<target>/ from the spec vectors of the main
test targets (Tests/*/Vectors) plus a few hand-written programs for the stateful targets.
Run from anywhere; it replaces the generated files and leaves others alone."""
import base64
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "FuzzTesting" / "Corpus"
VECTORS = ROOT / "Tests"


def write(target, name, data):
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(bytes(data))


def hexbytes(text):
    text = text[2:] if text.startswith("0x") else text
    return bytes.fromhex(text)


def rlp_bytes(data):
    if len(data) == 1 and data[0] < 0x80:
        return data
    return rlp_header(0x80, len(data)) + data


def rlp_list(items):
    payload = b"".join(items)
    return rlp_header(0xC0, len(payload)) + payload


def rlp_header(offset, length):
    if length <= 55:
        return bytes([offset + length])
    encoded = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([offset + 55 + len(encoded)]) + encoded


def rlp_uint(value):
    return rlp_bytes(value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b"")


def main():
    # RLP: every valid and invalid vector.
    for file in ("rlptest.json", "invalidRLPTest.json", "example.json"):
        for name, vector in json.loads((VECTORS / "RLPTests/Vectors" / file).read_text()).items():
            write("FuzzRLP", f"{file.split('.')[0]}-{name}", hexbytes(vector["out"]))

    # ENR: the EIP-778 example, binary and text.
    example = json.loads((VECTORS / "ENRTests/Vectors/enr-vectors.json").read_text())["enr_example"]["text"]
    record = base64.urlsafe_b64decode(example[4:] + "=" * (-len(example[4:]) % 4))
    write("FuzzENR", "eip778-example", record)
    write("FuzzENR", "eip778-example-text", example.encode())

    # Packets: the spec's four packets (decoded by node B).
    wire = json.loads((VECTORS / "Discv5WireTests/Vectors/discv5-wire.json").read_text())
    # The first byte picks the form: 0, as sent; 1, header in the clear (see FuzzPacket.swift).
    for vector in wire["packet_encodings"]["vectors"]:
        write("FuzzPacket", vector["name"], b"\x00" + hexbytes(vector["packet"]))
        parts = vector["derived_not_in_spec_text"]
        clear = b"".join(hexbytes(parts[key]) for key in ("masking_iv", "static_header", "authdata", "message_ciphertext"))
        write("FuzzPacket", vector["name"] + "-clear", b"\x01" + clear)

    # Messages: the spec's PING plaintext and one of each other kind.
    request_id = rlp_bytes(b"\x00\x00\x00\x01")
    messages = {
        "ping": b"\x01" + rlp_list([request_id, rlp_uint(2)]),
        "pong": b"\x02" + rlp_list([request_id, rlp_uint(1), rlp_bytes(bytes([127, 0, 0, 1])), rlp_uint(30303)]),
        "pong-ipv6": b"\x02" + rlp_list([request_id, rlp_uint(1), rlp_bytes(bytes(16)), rlp_uint(9000)]),
        "findnode": b"\x03" + rlp_list([request_id, rlp_list([rlp_uint(256), rlp_uint(255), rlp_uint(0)])]),
        "nodes": b"\x04" + rlp_list([request_id, rlp_uint(1), rlp_list([record])]),
        "nodes-empty": b"\x04" + rlp_list([request_id, rlp_uint(1), rlp_list([])]),
        "talkreq": b"\x05" + rlp_list([request_id, rlp_bytes(b"utp"), rlp_bytes(b"payload")]),
        "talkresp": b"\x06" + rlp_list([request_id, rlp_bytes(b"answer")]),
        "regtopic": b"\x07" + rlp_list([request_id]),
    }
    for name, message in messages.items():
        write("FuzzMessage", name, message)

    # uTP packets: the Portal wire vectors.
    for vector in json.loads((VECTORS / "UTPTests/Vectors/utp-wire.json").read_text()):
        name = vector["name"].lower().replace(" ", "-").replace("/", "-")
        write("FuzzUTPPacket", name, hexbytes(vector["hex"]))

    # The discv5 machine: programs (see FuzzDiscv5Protocol.swift for the opcodes).
    programs = {
        # The peer handshakes, then PINGs, FINDNODEs and TALKREQs; the app answers the TALKREQ.
        "peer-initiates": [1, 3, 0, 4, 0, 0x03, 1, 5, 0x07, 1, 1, 0, 5, 0x0D, 3, 0x61, 0x62, 0x63, 2, 0x68, 0x69,
                           10, 0, 5, 2, 0x03, 0xE8, 0],
        # We PING the peer; it challenges, accepts the handshake and answers with a PONG.
        "local-initiates-ping": [1, 1, 1, 0, 0, 6, 5, 1, 7, 5, 0x05, 1, 1, 0x76, 0x5F],
        # We FINDNODE; the peer answers with NODES carrying records.
        "local-initiates-findnode": [1, 1, 1, 1, 1, 1, 0, 0, 6, 5, 0, 7, 5, 0x09, 2, 0, 1, 1,
                                     2, 0x07, 0xD0, 0],
        # A request times out.
        "timeout": [0, 1, 1, 0, 0, 2, 0x07, 0xD0, 0, 2, 0x07, 0xD0, 0],
        # Raw junk and the spec's PING packet from several sources.
        "raw": [0, 0, 0, 95] + list(hexbytes(wire["packet_encodings"]["vectors"][0]["packet"])),
    }
    for name, program in programs.items():
        write("FuzzDiscv5Protocol", name, program)

    # The uTP multiplexer: programs (see FuzzUTPConnection.swift for the opcodes).
    programs = {
        # We connect; we write 2 KiB; packets flow both ways; we finish; time passes.
        "mux-connects-writes": [0, 1, 1, 0x12, 0x34, 4, 0x08, 0x00, 1, 1, 0, 0, 0, 1, 0, 7, 1, 1, 0, 0, 0,
                                6, 0x01, 0xF4, 0],
        # The peer connects to our expectation and writes; we read; a forged packet follows.
        "peer-connects-writes": [0, 0, 0, 0x40, 0x00, 0x00, 0x10, 4, 0x10, 0x00, 0, 0, 0, 1, 0, 5, 0xFF, 0xFF, 1,
                                 2, 0x06, 0x01, 0xFF],
        # Unexpected SYNs accepted; raw datagrams from other peers.
        "raw-datagrams": [1, 0, 1, 0, 1, 3, 1, 20, 0x41, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 1, 0, 0],
        # Timeouts and resets.
        "timeouts": [0, 1, 1, 0, 1, 4, 0x04, 0x00, 1, 6, 0x13, 0x88, 1, 6, 0x13, 0x88, 1, 8, 0, 1, 0],
    }
    for name, program in programs.items():
        write("FuzzUTPConnection", name, program)


if __name__ == "__main__":
    main()
