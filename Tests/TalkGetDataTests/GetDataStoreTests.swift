// SPDX-License-Identifier: Apache-2.0

import Foundation
import TalkGetData
import Testing

private func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("getdata-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("GetData stores")
struct GetDataStoreTests {
    @Test func inMemoryStoreServesSetValues() async throws {
        let store = InMemoryGetDataStore([[1]: [0xAA]])
        #expect(await store.value(for: [1]) == .bytes([0xAA]))
        #expect(await store.value(for: [2]) == nil)
        try store.set(Array(repeating: 7, count: 5000), for: [2])
        let big = await store.value(for: [2])
        #expect(big?.size == 5000)
        #expect(big?.fitsInline == false)
        #expect(store.removeValue(for: [1]) == [0xAA])
        #expect(await store.value(for: [1]) == nil)
        #expect(throws: TalkGetDataError.self) { try store.set([1], for: []) }
    }

    @Test func directoryStoreServesRegularFilesByName() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(repeating: 0x33, count: 1234).write(to: directory.appendingPathComponent("blob.bin"))
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("subdir"),
            withIntermediateDirectories: false
        )
        let store = try DirectoryGetDataStore(root: directory.path)
        let value = try await store.value(for: Array("blob.bin".utf8))
        guard case .file(let path, let size) = value else {
            Issue.record("expected a file, got \(String(describing: value))")
            return
        }
        #expect(size == 1234)
        #expect(path.hasSuffix("/blob.bin"))
        #expect(try await store.value(for: Array("missing".utf8)) == nil)
        #expect(try await store.value(for: Array("subdir".utf8)) == nil)
    }

    @Test func directoryStoreDoesNotFollowSymbolicLinks() async throws {
        let directory = try makeTemporaryDirectory()
        let outside = try makeTemporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: directory)
            try? FileManager.default.removeItem(at: outside)
        }
        let secret = outside.appendingPathComponent("secret")
        try Data([1, 2, 3]).write(to: secret)
        try FileManager.default.createSymbolicLink(
            at: directory.appendingPathComponent("link"),
            withDestinationURL: secret
        )
        let store = try DirectoryGetDataStore(root: directory.path)
        #expect(try await store.value(for: Array("link".utf8)) == nil)
    }

    @Test(
        arguments: [
            "..", ".", "../etc/passwd", "a/b", "/etc/passwd", ".hidden", "..\u{0}", "a\u{0}b", "a\\b", "tab\there",
            "new\nline",
        ]
    )
    func directoryStoreRefusesTraversalAndHiddenNames(_ name: String) async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try DirectoryGetDataStore(root: directory.path)
        let error = await #expect(throws: TalkGetDataError.self) { try await store.value(for: Array(name.utf8)) }
        #expect(error?.code == .invalidKeyName)
    }

    @Test func directoryStoreRefusesInvalidUTF8AndBadLengths() throws {
        #expect(throws: TalkGetDataError.self) { try DirectoryGetDataStore.fileName(for: [0x66, 0xFF, 0xFE]) }
        let empty = #expect(throws: TalkGetDataError.self) { try DirectoryGetDataStore.fileName(for: []) }
        #expect(empty?.code == .invalidKeyLength)
        let long = #expect(throws: TalkGetDataError.self) {
            try DirectoryGetDataStore.fileName(for: Array(repeating: 0x61, count: 256))
        }
        #expect(long?.code == .invalidKeyLength)
        #expect(try DirectoryGetDataStore.fileName(for: Array("résumé-v1.2.pdf".utf8)) == "résumé-v1.2.pdf")
        #expect(try DirectoryGetDataStore.fileName(for: Array("a..b".utf8)) == "a..b")
    }

    @Test func directoryStoreRequiresAnExistingDirectory() throws {
        let error = #expect(throws: TalkGetDataError.self) {
            try DirectoryGetDataStore(root: "/nonexistent-\(UUID().uuidString)")
        }
        #expect(error?.code == .invalidDirectory)
    }
}
