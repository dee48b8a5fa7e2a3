import Crypto
import HubCore
import HubIndex
@testable import HubServices
import HubTesting
import NIOCore
import Testing
import XetCore

/// Xet at the service, with what hf_xet really uploads (`XetFixture`): tokens, xorbs stored only
/// when verified, shards registered only when every derivable hash checks out, and files read
/// back, whole or in part, from the xorbs.
@Suite struct XetServiceTests {
    let test: TestHub
    let token: String
    let grant: RepoGrant

    init() async throws {
        test = try TestHub()
        token = try await test.user("alice")
        let repo = try await test.repo("weights", token: token)
        grant = try await test.hub.repos.grant(repo.id, caller: try await test.caller(token), need: .write)
    }

    func writeToken() async throws -> XetToken {
        let (text, _) = try await test.hub.xet.token(for: grant, revision: "main", scope: .write, creatingPullRequest: false)
        return try test.hub.xet.access("Bearer \(text)", needs: .write)
    }

    static func body(_ bytes: [UInt8]) -> AsyncStream<ByteBuffer> {
        AsyncStream { continuation in
            // In pieces, as a request body arrives.
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + 10_000)
                continuation.yield(ByteBuffer(bytes: bytes[offset..<end]))
                offset = end
            }
            continuation.finish()
        }
    }

    func upload(_ fixture: XetFixture) async throws -> XetToken {
        let token = try await writeToken()
        let hash = try #require(MerkleHash(xetString: fixture.xorbHash))
        #expect(try await test.hub.xet.storeXorb(Self.body(try fixture.xorb), as: hash, token: token))
        #expect(try await !test.hub.xet.storeXorb(Self.body(try fixture.xorb), as: hash, token: token))
        return token
    }

    func read(_ file: XetFile, _ range: ClosedRange<Int64>? = nil) async throws -> [UInt8] {
        var out: [UInt8] = []
        try await test.hub.xet.read(file, range: range) { out += Array(buffer: $0) }
        return out
    }

    @Test(arguments: XetFixture.all.map(\.name))
    func aVerifiedShardBindsItsFileToTheTokensRepository(name: String) async throws {
        let fixture = try #require(XetFixture.all.first { $0.name == name })
        let token = try await upload(fixture)
        #expect(try await test.hub.xet.registerShard(try fixture.shard, token: token) == 1)
        #expect(try await test.hub.xet.registerShard(try fixture.shard, token: token) == 0)

        let oid = try LFSObjectID(fixture.sha256)
        #expect(try await test.hub.lfs.boundSize(of: oid, repoRowID: grant.repo.rowID) == Int64(fixture.size))
        let file = try #require(try await test.hub.xet.file(sha256: oid))
        #expect(file.hash.xetString == fixture.fileHash && file.size == Int64(fixture.size))
        let whole = try await read(file)
        #expect(SHA256.hash(data: whole).hexString == fixture.sha256)
        // Ranges that start and end inside chunks, span chunks, and take one byte.
        for range: ClosedRange<Int64> in [0...0, 100...70_000, 131_000...140_000, Int64(fixture.size - 5)...Int64(fixture.size - 1)] {
            #expect(try await read(file, range) == Array(whole[Int(range.lowerBound)...Int(range.upperBound)]))
        }
    }

    @Test func aShardNamingAXorbThatWasNotUploadedIsRefused() async throws {
        await #expect(throws: HubError.badRequest(
            "The shard references xorb \(XetFixture.mixed.xorbHash), which was not uploaded")) {
            try await test.hub.xet.registerShard(try XetFixture.mixed.shard, token: try await writeToken())
        }
    }

    /// Verification hashes prove the client holds the chunks; the SHA-256 is what commits name the
    /// file by. A wrong one of either registers nothing.
    @Test func aShardWithAWrongVerificationHashOrAForgedSHA256IsRefused() async throws {
        let token = try await upload(.mixed)
        var badProof = try XetFixture.mixed.shard
        badProof[0x90] ^= 0x01  // the first term's verification hash
        await #expect(throws: HubError.badRequest("A term's verification hash does not match the chunks of xorb \(XetFixture.mixed.xorbHash)")) {
            try await test.hub.xet.registerShard(badProof, token: token)
        }
        var forged = try XetFixture.mixed.shard
        forged[0xc0] ^= 0x01  // the SHA-256 the client claims
        await #expect(throws: HubError.self) { try await test.hub.xet.registerShard(forged, token: token) }
        #expect(try await test.hub.xet.file(sha256: try LFSObjectID(XetFixture.mixed.sha256)) == nil)
    }

    @Test func aXorbThatIsNotWhatItsNameSaysIsNotStored() async throws {
        let token = try await writeToken()
        let wrongName = try #require(MerkleHash(xetString: XetFixture.text.xorbHash))
        await #expect(throws: HubError.self) {
            try await test.hub.xet.storeXorb(Self.body(try XetFixture.mixed.xorb), as: wrongName, token: token)
        }
        #expect(try await test.hub.xet.xorbs.chunks(of: wrongName) == nil)
    }

    @Test func tokensCarryTheirScopeAndAReaderGetsNoWriteToken() async throws {
        let (read, _) = try await test.hub.xet.token(for: grant, revision: "main", scope: .read, creatingPullRequest: false)
        #expect(throws: HubError.forbidden("This Xet token may only read: uploading needs a token from xet-write-token")) {
            try test.hub.xet.access("Bearer \(read)", needs: .write)
        }
        #expect(throws: HubError.invalidCredentials) { try test.hub.xet.access("Bearer xet_AAAA.BBBB", needs: .read) }
        #expect(throws: HubError.invalidCredentials) { try test.hub.xet.access(nil, needs: .read) }
        let bob = try await test.user("bob")
        let readerGrant = try await test.hub.repos.grant(grant.repo.id, caller: try await test.caller(bob))
        await #expect(throws: HubError.forbidden("You don't have write access to alice/weights")) {
            try await test.hub.xet.token(for: readerGrant, revision: "main", scope: .write, creatingPullRequest: false)
        }
        // Proposing a pull request needs only leave to take part.
        _ = try await test.hub.xet.token(for: readerGrant, revision: "None", scope: .write, creatingPullRequest: true)
    }

    /// Decodes serialized chunks (a fetched window) back into bytes.
    static func decode(_ serialized: [UInt8]) throws -> [UInt8] {
        let summary = try serialized.withUnsafeBytes { try XorbVerifier.verify($0) }
        let decoder = try ChunkDecoder()
        var out: [UInt8] = []
        for chunk in summary.chunks {
            let start = Int(chunk.offset)
            let scheme = try #require(ChunkDecoder.Scheme(rawValue: serialized[start + 4]))
            out += try serialized.withUnsafeBytes {
                try decoder.decode(
                    UnsafeRawBufferPointer(rebasing: $0[(start + 8)..<(start + Int(chunk.serializedLength))]),
                    scheme: scheme, size: Int(chunk.size))
            }
        }
        return out
    }

    /// What hf_xet does with a reconstruction: fetch each term's window, decode its chunks, skip
    /// `offset_into_first_range`, keep the length asked for.
    @Test func aReconstructionOfAnyRangeRebuildsExactlyThoseBytes() async throws {
        let token = try await upload(.mixed)
        _ = try await test.hub.xet.registerShard(try XetFixture.mixed.shard, token: token)
        let file = try await test.hub.xet.file(try #require(MerkleHash(xetString: XetFixture.mixed.fileHash)), token: token)
        let whole = try await read(file)
        for (first, last): (Int64, Int64) in [(0, file.size - 1), (100, 70_000), (131_000, 140_000), (file.size - 5, file.size - 1)] {
            let plan = try await test.hub.xet.reconstruction(of: file, first: first, last: last)
            var rebuilt: [UInt8] = []
            for term in plan.terms {
                // Each term lies inside one of its xorb's merged ranges: fetch that, keep the term's chunks.
                let range = try #require(plan.fetches.first { $0.xorb == term.xorb }?.ranges.first {
                    $0.chunks.lowerBound <= term.chunks.lowerBound && term.chunks.upperBound <= $0.chunks.upperBound
                })
                let signature = test.hub.xet.signWindows(xorb: term.xorb, windows: [range.bytes])
                try test.hub.xet.checkWindows(xorb: term.xorb, windows: [range.bytes], signature: signature, ranges: [range.bytes])
                var serialized: [UInt8] = []
                try await test.hub.xet.readWindow(xorb: term.xorb, range: range.bytes) { serialized += Array(buffer: $0) }
                let table = try #require(try await test.hub.xet.xorbs.chunks(of: term.xorb))
                let skipped = table[range.chunks.lowerBound..<term.chunks.lowerBound].reduce(0) { $0 + Int($1.size) }
                let bytes = Array(try Self.decode(serialized).dropFirst(skipped).prefix(Int(term.unpackedLength)))
                #expect(Int64(bytes.count) == term.unpackedLength)
                rebuilt += bytes
            }
            let wanted = rebuilt.dropFirst(Int(plan.offsetIntoFirstRange)).prefix(Int(last - first + 1))
            #expect(Array(wanted) == Array(whole[Int(first)...Int(last)]), "\(first)-\(last)")
        }
    }

    @Test func aFileIsMissingToTokensOfRepositoriesItIsNotBoundTo() async throws {
        let token = try await upload(.mixed)
        _ = try await test.hub.xet.registerShard(try XetFixture.mixed.shard, token: token)
        let hash = try #require(MerkleHash(xetString: XetFixture.mixed.fileHash))
        let bob = try await test.user("bob")
        let other = try await test.repo("public", owner: "bob", token: bob)
        let otherGrant = try await test.hub.repos.grant(other.id, caller: try await test.caller(bob))
        let (text, _) = try await test.hub.xet.token(for: otherGrant, revision: "main", scope: .read, creatingPullRequest: false)
        let otherToken = try test.hub.xet.access("Bearer \(text)", needs: .read)
        await #expect(throws: HubError.entryNotFound(XetFixture.mixed.fileHash)) {
            try await test.hub.xet.file(hash, token: otherToken)
        }
    }

    @Test func aWindowURLIsGoodOnlyForItsXorbItsWindowsAndItsTime() async throws {
        let token = try await upload(.mixed)
        _ = try await test.hub.xet.registerShard(try XetFixture.mixed.shard, token: token)
        let file = try await test.hub.xet.file(try #require(MerkleHash(xetString: XetFixture.mixed.fileHash)), token: token)
        let plan = try await test.hub.xet.reconstruction(of: file, first: 0, last: 1000)
        let (xorb, ranges) = try #require(plan.fetches.first)
        let window = try #require(ranges.first).bytes
        let other = (window.upperBound + 100)...(window.upperBound + 200)
        let signature = test.hub.xet.signWindows(xorb: xorb, windows: [window, other])
        let inside = window.lowerBound...(window.lowerBound + 10)
        try test.hub.xet.checkWindows(xorb: xorb, windows: [window, other], signature: signature, ranges: [inside, other])
        let forged = XetWindowSignature(expires: signature.expires, signature: "AAAA" + signature.signature.dropFirst(4))
        let later = XetWindowSignature(expires: signature.expires + 1, signature: signature.signature)
        let expired = test.hub.xet.signWindows(xorb: xorb, windows: [window])
        let refusals: [(MerkleHash, [ClosedRange<Int64>], XetWindowSignature, [ClosedRange<Int64>])] = [
            (xorb, [window, other], forged, [inside]),
            (xorb, [window.lowerBound...(window.upperBound + 1), other], signature, [inside]),
            (xorb, [window], signature, [inside]),
            (xorb, [window, other], signature, [window.lowerBound...(window.upperBound + 1)]),
            (xorb, [window, other], signature, [inside, window.upperBound...(window.upperBound + 100)]),
            (xorb, [window, other], later, [inside]),
            (xorb, [window], XetWindowSignature(expires: 1000, signature: expired.signature), [inside]),
            (try #require(MerkleHash(xetString: XetFixture.text.xorbHash)), [window, other], signature, [inside]),
        ]
        for (hash, windows, signature, asked) in refusals {
            #expect(throws: HubError.self) {
                try test.hub.xet.checkWindows(xorb: hash, windows: windows, signature: signature, ranges: asked)
            }
        }
    }

    /// A file's first chunk is indexed when its shard is registered: a dedup query for it names
    /// the xorb (with keyed hashes); an unknown chunk is not found.
    @Test func aRegisteredFilesFirstChunkFindsItsXorbForEveryone() async throws {
        let token = try await upload(.mixed)
        _ = try await test.hub.xet.registerShard(try XetFixture.mixed.shard, token: token)
        let summary = try XetFixture.mixed.xorb.withUnsafeBytes { try XorbVerifier.verify($0) }
        let answer = try #require(try await test.hub.xet.dedupShard(for: summary.chunks[0].hash))
        let shard = try Shard(parsing: answer)
        #expect(shard.xorbs.map(\.hash) == [summary.hash] && shard.xorbs[0].chunks.count == summary.chunks.count)
        #expect(try await test.hub.xet.dedupShard(for: summary.chunks[1].hash) == nil || DedupShard.isEligible(summary.chunks[1].hash))
        #expect(try await test.hub.xet.dedupShard(for: .zero) == nil)
    }
}
