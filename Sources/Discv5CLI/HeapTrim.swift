// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Hands freed heap memory back to the kernel every few seconds, where the C library can.
///
/// A uTP transfer frees its packet buffers in whatever order they were acknowledged, leaving
/// glibc's heap full of free holes it never returns on its own: a `discv5 run` serving many large
/// values grew from ~110 MB to ~390 MB of RSS over 64 sequential 32 MiB transfers while under
/// 41 MB were in use, and `malloc_trim(0)` brought it back to ~76 MB. The call is looked up at
/// run time (glibc has it; other C libraries don't and need none), so the build stays portable.
enum HeapTrim {
    private typealias Trim = @convention(c) (Int) -> CInt
    private typealias Option = @convention(c) (CInt, CInt) -> CInt

    /// glibc's `M_MMAP_THRESHOLD` parameter number (`malloc.h`).
    private static let mmapThresholdParameter: CInt = -3

    /// The size from which `discv5 run` has every allocation mapped on its own: 128 KiB, glibc's
    /// starting value. uTP send and receive buffers (up to 1 MiB) and file chunks are above it;
    /// sessions, records and packets are far below.
    static let mmapThreshold: CInt = 128 * 1024

    /// Fixes glibc's mmap threshold at ``mmapThreshold``, so that large buffers are mapped on
    /// their own and go back to the kernel the moment they are freed.
    ///
    /// glibc starts at 128 KiB but raises the threshold to the size of any mapped block that is
    /// freed (up to 32 MiB). After the first uTP buffer was freed, later ones came from the heap
    /// arenas (one per thread), where the small long-lived allocations made meanwhile pin the
    /// pages around them: idle RSS after the trim then depended on the history of transfers. Three
    /// `discv5 run` serving the same rounds of 40 fetches of 4 KiB–32 MiB: idle anonymous memory
    /// 16.0–18.8 MB with glibc's default, 11.5–12.3 MB with the threshold fixed (and no lower
    /// with two arenas instead of one per thread). Setting it explicitly is what turns the
    /// adjustment off. Looked up at run time, like `malloc_trim`.
    ///
    /// - Returns: Whether the C library took the setting.
    @discardableResult
    static func fixMmapThreshold() -> Bool {
        guard let symbol = dlsym(nil, "mallopt") else { return false }
        let option = unsafeBitCast(symbol, to: Option.self)
        return option(mmapThresholdParameter, mmapThreshold) == 1
    }

    /// Starts the periodic trim; `nil` when the C library has no `malloc_trim`.
    ///
    /// - Parameters:
    ///   - interval: Time between trims.
    /// - Returns: The task to cancel when done.
    static func start(every interval: Duration) -> Task<Void, Never>? {
        guard let symbol = dlsym(nil, "malloc_trim") else { return nil }
        let address = UInt(bitPattern: symbol)
        return Task.detached(priority: .background) {
            guard let pointer = UnsafeRawPointer(bitPattern: address) else { return }
            let trim = unsafeBitCast(pointer, to: Trim.self)
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                _ = trim(0)
            }
        }
    }
}
