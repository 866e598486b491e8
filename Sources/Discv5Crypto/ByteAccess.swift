// SPDX-License-Identifier: Apache-2.0

/// Runs `body` over the bytes of `data` as one contiguous raw buffer.
///
/// Arrays, array slices, `Data` and other contiguous collections are read in place; anything
/// else is copied into a temporary array first. The buffer must not escape `body`.
@inline(__always)
func withContiguousBytes<Bytes: Collection<UInt8>, Result>(
    of data: Bytes,
    _ body: (UnsafeRawBufferPointer) -> Result
) -> Result {
    if let result = data.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
        return result
    }
    return Array(data).withUnsafeBytes(body)
}

/// A non-null pointer to use where an API wants a buffer address even for zero bytes
/// (OpenSSL treats a null key or salt as "not supplied", which differs from "empty").
/// Nothing ever writes through it, so sharing it across threads is safe.
nonisolated(unsafe) let emptyBufferAnchor: UnsafeMutableRawPointer = UnsafeMutableRawPointer.allocate(
    byteCount: 1,
    alignment: 1
)

extension UnsafeRawBufferPointer {
    /// The base address, or a valid non-null address when the buffer is empty.
    var nonNullBaseAddress: UnsafeRawPointer {
        baseAddress ?? UnsafeRawPointer(emptyBufferAnchor)
    }
}
