import Crypto
import Foundation
import HubCore
import HubTesting
import Testing
@testable import XetCore

/// What hf_xet 1.8.0 really uploads (captured by `XetFixtures/capture.py` in HubTesting): each xorb is decoded
/// chunk by chunk and hashes to the name the client gave it; the shard's files are rebuilt from
/// the xorbs and hash to the file hash, verification hashes and SHA-256 the client declared.
@Suite struct XorbAndShardTests {
    static let fixtures = XetFixture.all

    static func bytes(_ file: String) throws -> [UInt8] {
        try XetFixture.bytes(file)
    }

    /// Every chunk's bytes, decoded the way the store will serve them.
    static func chunkBytes(_ xorb: [UInt8], _ summary: XorbVerifier.Summary) throws -> [[UInt8]] {
        let decoder = try ChunkDecoder()
        return try summary.chunks.map { chunk in
            try xorb.withUnsafeBytes { all in
                let start = Int(chunk.offset)
                let header = Array(all[start..<(start + 8)])
                let payload = UnsafeRawBufferPointer(rebasing: all[(start + 8)..<(start + Int(chunk.serializedLength))])
                return try decoder.decode(
                    payload, scheme: try #require(ChunkDecoder.Scheme(rawValue: header[4])), size: Int(chunk.size))
            }
        }
    }

    @Test(arguments: fixtures.map(\.name))
    func aXorbHashesToTheNameTheClientGaveIt(name: String) throws {
        let fixture = try #require(Self.fixtures.first { $0.name == name })
        let xorb = try Self.bytes(name + ".xorb")
        let summary = try xorb.withUnsafeBytes { try XorbVerifier.verify($0) }
        #expect(summary.hash.xetString == fixture.xorbHash)
        #expect(summary.chunks.count == fixture.chunks)
        #expect(summary.chunksEnd == xorb.count)
        #expect(summary.unpackedSize == UInt64(fixture.size))
    }

    @Test func aXorbFedInSmallPiecesVerifiesTheSame() throws {
        let xorb = try Self.bytes("mixed.xorb")
        var verifier = try XorbVerifier()
        var offset = 0
        var step = 1
        while offset < xorb.count {
            let end = min(xorb.count, offset + step)
            try xorb[offset..<end].withUnsafeBytes { try verifier.consume($0) }
            offset = end
            step = step * 3 + 1
        }
        #expect(try verifier.finish().hash.xetString == Self.fixtures[0].xorbHash)
    }

    @Test(arguments: fixtures.map(\.name))
    func aShardsFileRebuildsFromItsXorbToWhatTheClientDeclared(name: String) throws {
        let fixture = try #require(Self.fixtures.first { $0.name == name })
        let xorb = try Self.bytes(name + ".xorb")
        let summary = try xorb.withUnsafeBytes { try XorbVerifier.verify($0) }
        let shard = try Shard(parsing: try Self.bytes(name + ".shard"))
        #expect(shard.files.count == 1 && shard.xorbs.count == 1)
        let file = shard.files[0]
        #expect(file.hash.xetString == fixture.fileHash)
        #expect(file.claimedSHA256?.xetString == fixture.sha256)

        // The shard's CAS block lists the xorb's chunks exactly as the server finds them.
        let listed = shard.xorbs[0]
        #expect(listed.hash == summary.hash)
        var start: UInt32 = 0
        for (entry, chunk) in zip(listed.chunks, summary.chunks) {
            #expect(entry == Shard.XorbChunk(hash: chunk.hash, unpackedStart: start, size: chunk.size))
            start += chunk.size
        }

        let pieces = try Self.chunkBytes(xorb, summary)
        var rebuilt: [UInt8] = []
        var fileChunks: [(hash: MerkleHash, size: UInt64)] = []
        for (index, term) in file.terms.enumerated() {
            #expect(term.xorb == summary.hash)
            let range = Int(term.chunkStart)..<Int(term.chunkEnd)
            #expect(term.unpackedBytes == range.reduce(0) { $0 + summary.chunks[$1].size })
            #expect(file.verification?[index] == XetHash.verification(range.map { summary.chunks[$0].hash }))
            for chunk in range {
                rebuilt += pieces[chunk]
                fileChunks.append((summary.chunks[chunk].hash, UInt64(summary.chunks[chunk].size)))
            }
        }
        #expect(rebuilt.count == fixture.size)
        #expect(SHA256.hash(data: rebuilt).map { String(format: "%02x", $0) }.joined() == fixture.sha256)
        #expect(XetHash.file(fileChunks).xetString == fixture.fileHash)
    }

    // MARK: What a hostile client sends

    @Test func aFlippedByteChangesTheHashOrBreaksTheChunk() throws {
        var xorb = try Self.bytes("mixed.xorb")
        xorb[xorb.count - 100] ^= 0x01  // inside the last, uncompressed chunk
        let summary = try xorb.withUnsafeBytes { try XorbVerifier.verify($0) }
        #expect(summary.hash.xetString != Self.fixtures[0].xorbHash)
        var compressed = try Self.bytes("text.xorb")
        compressed[200] ^= 0xff  // inside an LZ4 frame
        #expect(throws: HubError.self) {
            let hash = try compressed.withUnsafeBytes { try XorbVerifier.verify($0) }.hash
            if hash.xetString != Self.fixtures[1].xorbHash { throw HubError.badRequest("hash differs") }
        }
    }

    @Test func trailingJunkAndATruncatedChunkAreRefused() throws {
        let xorb = try Self.bytes("text.xorb")
        #expect(throws: HubError.self) { try (xorb + [0, 1, 2]).withUnsafeBytes { try XorbVerifier.verify($0) } }
        #expect(throws: HubError.self) { try (xorb + Array("JUNK".utf8)).withUnsafeBytes { try XorbVerifier.verify($0) } }
        #expect(throws: HubError.self) { try Array(xorb.dropLast(10)).withUnsafeBytes { try XorbVerifier.verify($0) } }
        #expect(throws: HubError.self) { try [UInt8]().withUnsafeBytes { try XorbVerifier.verify($0) } }
        // A footer (which hf_xet does not send) ends the chunks and is not kept.
        let footed = xorb + Array("XETBLOB".utf8) + [1, 2, 3]
        #expect(try footed.withUnsafeBytes { try XorbVerifier.verify($0) }.chunksEnd == xorb.count)
    }

    /// A frame that decodes to more than its header declares is an LZ4 bomb: refused before
    /// more than the declared size (plus one byte) is ever written.
    @Test func aChunkThatDecompressesPastItsDeclaredSizeIsRefused() throws {
        var xorb = try Self.bytes("text.xorb")
        // The first chunk (scheme 1) declares 120,040 bytes; say 1,000.
        xorb[5] = 0xe8
        xorb[6] = 0x03
        xorb[7] = 0x00
        #expect(throws: HubError.badRequest("A chunk declares 1000 bytes but decompresses to more")) {
            try xorb.withUnsafeBytes { try XorbVerifier.verify($0) }
        }
    }

    @Test func chunkHeadersOutOfBoundsAreRefused() throws {
        let oversize: [UInt8] = [0, 0x10, 0, 0, 0, 0x01, 0x00, 0x03]  // declares 196,609 bytes
        #expect(throws: HubError.self) { try oversize.withUnsafeBytes { try XorbVerifier.verify($0) } }
        let badVersion: [UInt8] = [9, 1, 0, 0, 0, 1, 0, 0, 42]
        #expect(throws: HubError.self) { try badVersion.withUnsafeBytes { try XorbVerifier.verify($0) } }
        let badScheme: [UInt8] = [0, 1, 0, 0, 7, 1, 0, 0, 42]
        #expect(throws: HubError.self) { try badScheme.withUnsafeBytes { try XorbVerifier.verify($0) } }
    }

    /// A shard whose counts promise far more entries than its bytes hold fails on the count,
    /// before anything is sized by it (a 96-byte shard claiming 2^32 - 1 entries once made a
    /// reader elsewhere allocate ~192 GiB).
    @Test func aShardWhoseCountsOutrunItsBytesIsRefused() throws {
        var shard = try Self.bytes("mixed.shard")
        // The file's entry count (offset 48 + 32 + 4).
        shard[84] = 0xff
        shard[85] = 0xff
        shard[86] = 0xff
        shard[87] = 0xff
        #expect(throws: HubError.self) { try Shard(parsing: shard) }
        var tag = try Self.bytes("mixed.shard")
        tag[0] = UInt8(ascii: "h")
        #expect(throws: HubError.badRequest("Not a shard: its header tag is wrong")) { try Shard(parsing: tag) }
        #expect(throws: HubError.self) { try Shard(parsing: Array(try Self.bytes("mixed.shard").prefix(100))) }
    }

    /// A global dedup answer: no files, the xorb with every chunk hash keyed with the footer's key,
    /// readable by the same parser and by the rule hf_xet applies (key its own chunk hash, look
    /// the result up).
    @Test func aDedupAnswerListsTheXorbWithKeyedChunkHashes() throws {
        let xorb = try Self.bytes("mixed.xorb")
        let summary = try xorb.withUnsafeBytes { try XorbVerifier.verify($0) }
        let key = try #require(MerkleHash(xetString: String(repeating: "1f", count: 32)))
        let bytes = DedupShard.serialize(
            [DedupShard.Xorb(hash: summary.hash, chunks: summary.chunks)], key: key, created: 1_700_000_000,
            expiry: 1_700_604_800)
        let shard = try Shard(parsing: bytes)
        #expect(shard.files.isEmpty && shard.xorbs.count == 1)
        #expect(shard.xorbs[0].hash == summary.hash && shard.xorbs[0].unpackedSize == UInt32(XetFixture.mixed.size))
        #expect(shard.xorbs[0].chunks.map(\.hash) == summary.chunks.map { XetHash.keyed($0.hash, key: key) })
        #expect(!shard.xorbs[0].chunks.map(\.hash).contains(summary.chunks[0].hash))
        // The footer: 200 bytes, its offset last, the key at 72 bytes in, then the times.
        let footer = bytes.count - 200
        #expect(bytes[(bytes.count - 8)...].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) } == footer)
        #expect(Array(bytes[(footer + 72)..<(footer + 104)]) == key.bytes)
        #expect(bytes[40..<48].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) } == 200)
    }
}
