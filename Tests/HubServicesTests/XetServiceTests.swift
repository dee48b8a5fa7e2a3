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

    func writeToken() throws -> XetToken {
        let (text, _) = try test.hub.xet.token(for: grant, revision: "main", scope: .write, creatingPullRequest: false)
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
        let token = try writeToken()
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
            try await test.hub.xet.registerShard(try XetFixture.mixed.shard, token: try writeToken())
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
        let token = try writeToken()
        let wrongName = try #require(MerkleHash(xetString: XetFixture.text.xorbHash))
        await #expect(throws: HubError.self) {
            try await test.hub.xet.storeXorb(Self.body(try XetFixture.mixed.xorb), as: wrongName, token: token)
        }
        #expect(try await test.hub.xet.xorbs.chunks(of: wrongName) == nil)
    }

    @Test func tokensCarryTheirScopeAndAReaderGetsNoWriteToken() async throws {
        let (read, _) = try test.hub.xet.token(for: grant, revision: "main", scope: .read, creatingPullRequest: false)
        #expect(throws: HubError.forbidden("This Xet token may only read: uploading needs a token from xet-write-token")) {
            try test.hub.xet.access("Bearer \(read)", needs: .write)
        }
        #expect(throws: HubError.invalidCredentials) { try test.hub.xet.access("Bearer xet_AAAA.BBBB", needs: .read) }
        #expect(throws: HubError.invalidCredentials) { try test.hub.xet.access(nil, needs: .read) }
        let bob = try await test.user("bob")
        let readerGrant = try await test.hub.repos.grant(grant.repo.id, caller: try await test.caller(bob))
        #expect(throws: HubError.forbidden("You don't have write access to alice/weights")) {
            try test.hub.xet.token(for: readerGrant, revision: "main", scope: .write, creatingPullRequest: false)
        }
        // Proposing a pull request needs only read access.
        _ = try test.hub.xet.token(for: readerGrant, revision: "None", scope: .write, creatingPullRequest: true)
    }
}
