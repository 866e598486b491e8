// SPDX-License-Identifier: Apache-2.0

/// Wrapping arithmetic on 16-bit sequence and ack numbers (BEP 29: they wrap at 65 535, and
/// that is normal operation).
enum UTPSequence {
    /// The signed distance from `from` to `to`, in −32768 … 32767.
    @inline(__always)
    static func distance(from: UInt16, to: UInt16) -> Int {
        Int(Int16(bitPattern: to &- from))
    }

    /// Whether `a` comes before `b` in wrapping order.
    @inline(__always)
    static func isBefore(_ a: UInt16, _ b: UInt16) -> Bool {
        Self.distance(from: b, to: a) < 0
    }

    /// Whether the 32-bit wrapping value `a` is less than `b` (used for delay samples).
    @inline(__always)
    static func isBefore32(_ a: UInt32, _ b: UInt32) -> Bool {
        Int32(bitPattern: a &- b) < 0
    }
}
