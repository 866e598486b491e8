// SPDX-License-Identifier: Apache-2.0

// A child process for the data-safety tests: rewrites a node data directory's state files as
// fast as it can until it is killed, so the test can SIGKILL it at any moment and check that
// every file still holds a complete state.
//
// Usage: DataDirectoryWriter DIR         write forever; prints "ready" after the first full state
//        DataDirectoryWriter DIR --clean remove stale temporaries, print how many, exit
//
// Generation g writes `nodes.json` with the first (g mod 64) + 1 records of a fixed list (see
// `StateRecords`, which the test builds the same way) and `enr-seq` = g, starting after the
// stored seq, so the stored state only moves forward.

import Discv5
import Discv5Crypto
import ENR

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

let arguments = CommandLine.arguments
/// Writes a line to a file descriptor at once (no stdio buffering to flush).
func writeLine(_ text: String, to descriptor: CInt) {
    let bytes = Array((text + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
}

guard arguments.count >= 2 else {
    writeLine("usage: DataDirectoryWriter DIR [--clean]", to: STDERR_FILENO)
    exit(2)
}
let directory = NodeDataDirectory(path: arguments[1])
if arguments.count > 2, arguments[2] == "--clean" {
    writeLine("removed \(directory.removeStaleTemporaryFiles())", to: STDOUT_FILENO)
    exit(0)
}
let records = try StateRecords.make()
var generation = (directory.storedSeq() ?? 0) &+ 1
var announced = false
while true {
    try directory.storeNodes(Array(records.prefix(Int(generation % UInt64(records.count)) + 1)))
    try directory.storeSeq(generation)
    if !announced {
        writeLine("ready", to: STDOUT_FILENO)
        announced = true
    }
    generation &+= 1
}
