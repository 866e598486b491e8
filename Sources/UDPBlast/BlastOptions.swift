// SPDX-License-Identifier: Apache-2.0

import DatagramTransport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Command-line options of `udp-blast`.
struct BlastOptions {
    /// One process with both ends, or one end of a two-process run.
    enum Mode {
        case local
        case listen(UInt16)
        case connect(UDPEndpoint)
    }

    var seconds: Double = 3
    var size = 1200
    var burst = 256
    var vectorReads = true
    var segmentationOffload = true
    var receiveOffload = true
    var mode = Mode.local

    static func parse(_ arguments: [String]) -> BlastOptions {
        var options = BlastOptions()
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--seconds":
                guard let value = iterator.next().flatMap(Double.init), value > 0 else { usage() }
                options.seconds = value
            case "--size":
                guard let value = iterator.next().flatMap({ Int($0) }), (1...65_507).contains(value) else { usage() }
                options.size = value
            case "--burst":
                guard let value = iterator.next().flatMap({ Int($0) }), value > 0 else { usage() }
                options.burst = value
            case "--no-vector": options.vectorReads = false
            case "--no-gso": options.segmentationOffload = false
            case "--no-gro": options.receiveOffload = false
            case "--listen":
                guard let value = iterator.next().flatMap({ UInt16($0) }) else { usage() }
                options.mode = .listen(value)
            case "--connect":
                guard let value = iterator.next().flatMap({ UDPEndpoint($0) }) else { usage() }
                options.mode = .connect(value)
            default: usage()
            }
        }
        return options
    }

    static func usage() -> Never {
        print(
            """
            usage: udp-blast [--seconds 3] [--size 1200] [--burst 256] [--no-vector] [--no-gso] [--no-gro]
                             [--listen PORT | --connect HOST:PORT]
            """
        )
        exit(2)
    }
}
