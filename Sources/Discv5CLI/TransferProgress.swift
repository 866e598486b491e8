// SPDX-License-Identifier: Apache-2.0

import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The byte count of a running transfer, updated from the transfer's progress callback and read by
/// the progress bar and the trace sampler.
final class TransferProgress: Sendable {
    private let state = Mutex<(bytes: UInt64, total: UInt64)>((0, 0))
    /// When the transfer started.
    let start = ContinuousClock.now

    /// Records the bytes so far and the total.
    func update(_ bytes: UInt64, of total: UInt64) {
        self.state.withLock { $0 = (bytes, total) }
    }

    /// The bytes so far and the total (0 until the length is known).
    var snapshot: (bytes: UInt64, total: UInt64) { self.state.withLock { $0 } }

    /// Seconds since the start.
    var elapsedSeconds: Double { (ContinuousClock.now - self.start).seconds }

    /// Redraws a one-line progress bar with the rate on stderr every 200 ms until cancelled, then
    /// draws the final state and ends the line. For a TTY only.
    func drawProgressBar(label: String) async {
        while !Task.isCancelled {
            self.draw(label: label)
            try? await Task.sleep(for: .milliseconds(200))
        }
        self.draw(label: label)
        Self.writeStderr("\n")
    }

    private func draw(label: String) {
        let (bytes, total) = self.snapshot
        let seconds = max(self.elapsedSeconds, 0.001)
        let rate = Double(bytes) / seconds
        let width = 30
        let fraction = total > 0 ? min(1, Double(bytes) / Double(total)) : 0
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        let percent = Int(fraction * 100)
        let line =
            "\r\(label) [\(bar)] \(percent)% \(formatBytes(bytes)) / \(formatBytes(total)) "
            + "\(formatBytes(UInt64(rate)))/s   "
        Self.writeStderr(line)
    }

    private static func writeStderr(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}

/// A byte count for people: `512 B`, `1.5 KiB`, `64.0 MiB`.
func formatBytes(_ count: UInt64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var value = Double(count)
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    return unit == 0 ? "\(count) B" : "\(formatDecimal(value, digits: 1)) \(units[unit])"
}

/// A decimal with a fixed number of fraction digits, without Foundation's `String(format:)`.
func formatDecimal(_ value: Double, digits: Int) -> String {
    guard value.isFinite else { return "\(value)" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    let whole = Int(scaled / scale)
    let fraction = Int(scaled) - whole * Int(scale)
    var fractionText = String(fraction)
    while fractionText.count < digits { fractionText = "0" + fractionText }
    let sign = value < 0 && scaled > 0 ? "-" : ""
    return digits == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fractionText)"
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        let parts = self.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
