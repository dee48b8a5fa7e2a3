import Crypto
import Foundation
import HubCore
import HubStorage
import HubTesting
import NIOCore
import Testing

/// Uploads arrive as many small buffers and are written in batches of several MiB: these tests
/// send more than one batch, in uneven pieces, so the batching and the running hash are checked.
@Suite struct LocalBlobStoreTests {
    let folder: TemporaryDirectory
    let store: LocalBlobStore

    init() throws {
        folder = try TemporaryDirectory()
        store = LocalBlobStore(dataDirectory: folder.url, temporaryDirectory: folder.url.appendingPathComponent("tmp"))
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { raw in
            for offset in stride(from: 0, to: count, by: 8) {
                withUnsafeBytes(of: generator.next() as UInt64) { word in
                    raw[offset..<min(count, offset + 8)].copyBytes(from: word.prefix(count - offset))
                }
            }
        }
        return bytes
    }

    static func oid(of bytes: [UInt8]) throws -> LFSObjectID {
        try LFSObjectID(SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined())
    }

    /// `bytes` as buffers of 1, 7, 65 536 and 300 001 bytes, over and over.
    static func pieces(_ bytes: [UInt8]) -> AsyncStream<ByteBuffer> {
        let sizes = [1, 7, 65_536, 300_001]
        return AsyncStream { continuation in
            var offset = 0
            var index = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + sizes[index % sizes.count])
                continuation.yield(ByteBuffer(bytes: bytes[offset..<end]))
                offset = end
                index += 1
            }
            continuation.finish()
        }
    }

    func read(_ oid: LFSObjectID, range: ClosedRange<Int64>? = nil) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        try await store.read(oid, range: range) { bytes.append(contentsOf: $0.readableBytesView) }
        return bytes
    }

    /// Nothing but the stored objects: no upload left in tmp/.
    func temporaryFiles() -> [String] {
        folder.listing("tmp")
    }

    @Test func storesAnObjectLargerThanSeveralBatches() async throws {
        let bytes = Self.randomBytes(9 << 20 + 12_345)
        let oid = try Self.oid(of: bytes)
        let outcome = try await store.store(Self.pieces(bytes), as: oid, size: Int64(bytes.count))
        #expect(outcome == .stored)
        #expect(try await store.size(of: oid) == Int64(bytes.count))
        #expect(try await read(oid) == bytes)
        #expect(try await read(oid, range: 5_000_000...5_000_009) == Array(bytes[5_000_000...5_000_009]))
        #expect(temporaryFiles().isEmpty)
    }

    @Test func storingTheSameBytesAgainKeepsOneCopy() async throws {
        let bytes = Self.randomBytes(100_000)
        let oid = try Self.oid(of: bytes)
        _ = try await store.store(Self.pieces(bytes), as: oid, size: Int64(bytes.count))
        let again = try await store.store(Self.pieces(bytes), as: oid, size: Int64(bytes.count))
        #expect(again == .alreadyStored)
        #expect(temporaryFiles().isEmpty)
    }

    @Test func refusesBytesWhoseHashIsNotTheOid() async throws {
        let bytes = Self.randomBytes(5 << 20)
        let claimed = try Self.oid(of: Self.randomBytes(16))
        await #expect(throws: BlobMismatch.self) {
            try await store.store(Self.pieces(bytes), as: claimed, size: Int64(bytes.count))
        }
        #expect(try await store.size(of: claimed) == nil)
        #expect(temporaryFiles().isEmpty)
    }

    @Test func refusesMoreBytesThanTheSize() async throws {
        let bytes = Self.randomBytes(6 << 20)
        let oid = try Self.oid(of: bytes)
        await #expect(throws: BlobMismatch.self) {
            try await store.store(Self.pieces(bytes), as: oid, size: Int64(bytes.count - 1))
        }
        #expect(try await store.size(of: oid) == nil)
        #expect(temporaryFiles().isEmpty)
    }

    @Test func refusesFewerBytesThanTheSize() async throws {
        let bytes = Self.randomBytes(1000)
        let oid = try Self.oid(of: bytes)
        await #expect(throws: BlobMismatch.self) {
            try await store.store(Self.pieces(Array(bytes.dropLast())), as: oid, size: Int64(bytes.count))
        }
        #expect(try await store.size(of: oid) == nil)
        #expect(temporaryFiles().isEmpty)
    }

    @Test func joinsMultipartPartsIntoTheObject() async throws {
        let bytes = Self.randomBytes(5 << 20 + 3)
        let oid = try Self.oid(of: bytes)
        let split = 4 << 20 + 1
        let first = try await store.storePart(Self.pieces(Array(bytes[..<split])), upload: "u1", number: 1, maxSize: 8 << 20)
        _ = try await store.storePart(Self.pieces(Array(bytes[split...])), upload: "u1", number: 2, maxSize: 8 << 20)
        #expect(first == SHA256.hash(data: bytes[..<split]).map { String(format: "%02x", $0) }.joined())
        let outcome = try await store.completeParts(of: "u1", count: 2, as: oid, size: Int64(bytes.count))
        #expect(outcome == .stored)
        #expect(try await read(oid) == bytes)
        #expect(try await store.parts(of: "u1").isEmpty)
        #expect(temporaryFiles().isEmpty)
    }
}
