import Foundation
import HTTPTypes
import HubCore
@testable import HubHTTP
@testable import HubServices
import HubTesting
import Hummingbird
import HummingbirdTesting
import Testing
import XetCore

/// The Xet CAS over HTTP against a hostile client (its own encoder, not hf_xet): one test per bad
/// input, each a clear 4xx with nothing stored or leaked (hub-docs `docs/xet/api.md`). Uploads
/// use what hf_xet 1.8.0 really sent (`XetFixture`), altered.
@Suite struct XetCASTests {
    let test: TestHub
    let alice: String
    let mixedXorb: [UInt8]
    let mixedShard: [UInt8]
    let textXorb: [UInt8]

    init() async throws {
        mixedXorb = try XetFixture.mixed.xorb
        mixedShard = try XetFixture.mixed.shard
        textXorb = try XetFixture.text.xorb
        test = try TestHub()
        alice = try await test.user("alice")
        try await test.repo("weights", token: alice)
    }

    func xetToken(_ scope: String, repo: String = "alice/weights", caller: String? = nil) async throws -> String {
        let parts = repo.split(separator: "/").map(String.init)
        let id = try RepoID(kind: .model, namespace: parts[0], name: parts[1])
        let grant = try await test.hub.repos.grant(id, caller: try await test.caller(caller ?? alice))
        return try await test.hub.xet.token(
            for: grant, revision: "main", scope: scope == "write" ? .write : .read, creatingPullRequest: false
        ).token
    }

    func bearer(_ token: String) -> HTTPFields {
        [.authorization: "Bearer \(token)"]
    }

    func stored(_ hash: String) async throws -> Bool {
        try await test.hub.xet.xorbs.chunks(of: try #require(MerkleHash(xetString: hash))) != nil
    }

    /// POSTs a xorb under `name`; its status.
    func postXorb(_ client: some TestClientProtocol, _ bytes: [UInt8], as name: String, token: String) async throws -> HTTPResponse.Status {
        try await client.execute(
            uri: "/xet/v1/xorbs/default/\(name)", method: .post, headers: bearer(token), body: ByteBuffer(bytes: bytes)
        ) { $0.status }
    }

    func postShard(_ client: some TestClientProtocol, _ bytes: [UInt8], version: Int = 1, token: String) async throws -> (HTTPResponse.Status, String) {
        try await client.execute(
            uri: "/xet/v\(version)/shards", method: .post, headers: bearer(token), body: ByteBuffer(bytes: bytes)
        ) { ($0.status, String(buffer: $0.body)) }
    }

    // MARK: Xorbs

    @Test func aXorbWithAFlippedByteIsRefusedAndNotStored() async throws {
        var flipped = textXorb
        flipped[flipped.count / 2] ^= 0x20
        let xorb = flipped
        let token = try await xetToken("write")
        try await test.application().test(.router) { client async throws in
            #expect(try await postXorb(client, xorb, as: XetFixture.text.xorbHash, token: token) == .badRequest)
        }
        #expect(try await stored(XetFixture.text.xorbHash) == false)
    }

    @Test func aXorbSentUnderAnotherNameIsRefusedAndNotStored() async throws {
        let token = try await xetToken("write")
        try await test.application().test(.router) { client async throws in
            #expect(try await postXorb(client, mixedXorb, as: XetFixture.text.xorbHash, token: token) == .badRequest)
        }
        #expect(try await stored(XetFixture.text.xorbHash) == false)
        #expect(try await stored(XetFixture.mixed.xorbHash) == false)
    }

    @Test func aXorbWithTrailingJunkIsRefusedAndNotStored() async throws {
        let token = try await xetToken("write")
        try await test.application().test(.router) { client async throws in
            let junk = textXorb + Array("JUNK".utf8)
            #expect(try await postXorb(client, junk, as: XetFixture.text.xorbHash, token: token) == .badRequest)
        }
        #expect(try await stored(XetFixture.text.xorbHash) == false)
    }

    /// A chunk whose LZ4 frame decodes past the size its header declares.
    @Test func anLZ4BombIsRefusedAndNotStored() async throws {
        var bomb = textXorb
        (bomb[5], bomb[6], bomb[7]) = (0xe8, 0x03, 0x00)  // the first chunk now declares 1,000 bytes
        let xorb = bomb
        let token = try await xetToken("write")
        try await test.application().test(.router) { client async throws in
            #expect(try await postXorb(client, xorb, as: XetFixture.text.xorbHash, token: token) == .badRequest)
        }
        #expect(try await stored(XetFixture.text.xorbHash) == false)
    }

    /// Valid stored chunks past the 64 MiB a xorb may hold: refused as they arrive.
    @Test func aXorbOverTheSizeLimitIsRefusedAndNotStored() async throws {
        let chunk: [UInt8] = [0, 0x00, 0x00, 0x01, 0, 0x00, 0x00, 0x01] + [UInt8](repeating: 7, count: 65_536)
        let body = [[UInt8]](repeating: chunk, count: 1_025).flatMap { $0 }
        let name = String(repeating: "ab", count: 32)
        let token = try await xetToken("write")
        try await test.application().test(.router) { client async throws in
            #expect(try await postXorb(client, body, as: name, token: token) == .contentTooLarge)
        }
        #expect(try await stored(name) == false)
    }

    @Test func aXorbSentWithAReadTokenOrNoneIsRefused() async throws {
        let read = try await xetToken("read")
        try await test.application().test(.router) { client async throws in
            #expect(try await postXorb(client, textXorb, as: XetFixture.text.xorbHash, token: read) == .forbidden)
            #expect(try await postXorb(client, textXorb, as: XetFixture.text.xorbHash, token: "xet_forged.x") == .unauthorized)
        }
        #expect(try await stored(XetFixture.text.xorbHash) == false)
    }

    // MARK: Shards

    @Test(arguments: [1, 2])
    func aShardNamingAXorbThatWasNotUploadedRegistersNothing(version: Int) async throws {
        let token = try await xetToken("write")
        try await test.application().test(.router) { client async throws in
            let (status, body) = try await postShard(client, mixedShard, version: version, token: token)
            if version == 1 {
                #expect(status == .badRequest)
            } else {
                // v2 has answered 200 before it knows: the error is the stream's last frame.
                #expect(status == .ok)
                let last = try #require(body.split(separator: "\n").last)
                #expect(last.contains(#""type":"error""#) && last.contains("which was not uploaded") && last.contains(#""retryable":false"#))
            }
        }
        #expect(try await test.hub.xet.file(sha256: try LFSObjectID(XetFixture.mixed.sha256)) == nil)
    }

    /// The first term's chunk end (offset 0x8c) past the xorb's chunks.
    @Test func aShardWithChunksOutOfRangeRegistersNothing() async throws {
        var shard = mixedShard
        (shard[0x8c], shard[0x8d]) = (0xff, 0x7f)
        try await uploadThenRefuse(shard)
    }

    @Test func aShardWithAWrongVerificationHashRegistersNothing() async throws {
        var shard = mixedShard
        shard[0x90] ^= 0x01
        try await uploadThenRefuse(shard)
    }

    @Test func aShardClaimingAForgedSHA256RegistersNothing() async throws {
        var shard = mixedShard
        shard[0xc0] ^= 0x01
        try await uploadThenRefuse(shard)
    }

    @Test func aShardThatIsNotAShardIsRefusedBeforeAnyStream() async throws {
        let token = try await xetToken("write")
        try await test.application().test(.router) { client async throws in
            #expect(try await postShard(client, Array("not a shard".utf8), version: 1, token: token).0 == .badRequest)
            #expect(try await postShard(client, Array("not a shard".utf8), version: 2, token: token).0 == .badRequest)
        }
    }

    /// Shards are parsed from memory: the hub holds at most its budget of shard bodies at once,
    /// answering 429 (which hf_xet retries) past it, and refuses a declared length over 64 MiB
    /// before reading a byte.
    @Test func shardBodiesPastTheHubsBudgetAreToldToComeBack() async throws {
        let budget = ShardBodyBudget(capacity: 1_000)
        func request(_ size: Int, declaring declared: Int? = nil) -> Request {
            Request(
                head: HTTPRequest(
                    method: .post, scheme: "http", authority: "hub", path: "/xet/v1/shards",
                    headerFields: [.contentLength: String(declared ?? size)]),
                body: RequestBody(buffer: ByteBuffer(repeating: 0, count: size)))
        }
        let (_, held) = try await budget.collect(request(800))
        await #expect(throws: HubError.tooManyRequests("The hub is checking many shards at once: send this one again shortly")) {
            try await budget.collect(request(300))
        }
        budget.release(held)
        let (bytes, reserved) = try await budget.collect(request(300))
        #expect(bytes.count == 300 && reserved == 300)
        budget.release(reserved)
        await #expect(throws: HubError.payloadTooLarge("A shard is at most \(Shard.maxSize) bytes")) {
            try await budget.collect(request(10, declaring: Shard.maxSize + 1))
        }
        // A body longer than it declared is cut at the declared length, not read on.
        await #expect(throws: (any Error).self) { try await budget.collect(request(500, declaring: 100)) }
        let (_, all) = try await budget.collect(request(1_000))
        budget.release(all)
    }

    /// Uploads the mixed fixture's xorb, then `shard` through v1 and v2: refused both ways, and
    /// the file is not registered.
    func uploadThenRefuse(_ shard: [UInt8]) async throws {
        let token = try await xetToken("write")
        try await test.application().test(.router) { client async throws in
            #expect(try await postXorb(client, mixedXorb, as: XetFixture.mixed.xorbHash, token: token) == .ok)
            #expect(try await postShard(client, shard, version: 1, token: token).0 == .badRequest)
            let (status, body) = try await postShard(client, shard, version: 2, token: token)
            #expect(status == .ok && body.split(separator: "\n").last?.contains(#""type":"error""#) == true)
            #expect(!body.contains(#""type":"result""#))
        }
        #expect(try await test.hub.xet.file(sha256: try LFSObjectID(XetFixture.mixed.sha256)) == nil)
    }

    @Test func aGoodShardThroughV2StreamsProgressThenItsResult() async throws {
        let token = try await xetToken("write")
        try await test.application().test(.router) { client async throws in
            #expect(try await postXorb(client, mixedXorb, as: XetFixture.mixed.xorbHash, token: token) == .ok)
            let (status, body) = try await postShard(client, mixedShard, version: 2, token: token)
            let frames = body.split(separator: "\n").map(String.init)
            #expect(status == .ok)
            #expect(frames.first?.contains(#""type":"validating""#) == true)
            #expect(frames.contains { $0.contains(#""type":"committing""#) })
            #expect(frames.last == #"{"type":"result"}"#)
        }
        #expect(try await test.hub.xet.file(sha256: try LFSObjectID(XetFixture.mixed.sha256)) != nil)
    }

    // MARK: Reading

    /// Registers the mixed fixture in `repo`; its file hash.
    func registered(in repo: String) async throws -> String {
        let token = try await xetToken("write", repo: repo)
        try await test.application().test(.router) { client async throws in
            #expect(try await postXorb(client, mixedXorb, as: XetFixture.mixed.xorbHash, token: token) == .ok)
            #expect(try await postShard(client, mixedShard, token: token).0 == .ok)
        }
        return XetFixture.mixed.fileHash
    }

    @Test func aPrivateRepositorysFileIsMissingToAPublicRepositorysToken() async throws {
        try await test.repo("secret", isPrivate: true, token: alice)
        let file = try await registered(in: "alice/secret")
        let publicToken = try await xetToken("read")
        let privateToken = try await xetToken("read", repo: "alice/secret")
        try await test.application().test(.router) { client async throws in
            for version in [1, 2] {
                try await client.execute(uri: "/xet/v\(version)/reconstructions/\(file)", method: .get, headers: bearer(publicToken)) {
                    #expect($0.status == .notFound)
                }
                try await client.execute(uri: "/xet/v\(version)/reconstructions/\(file)", method: .get, headers: bearer(privateToken)) {
                    #expect($0.status == .ok)
                }
            }
        }
    }

    /// A token lives an hour: past its expiry it is refused like a forged one, and the client
    /// asks the hub for a new one (hf_xet refreshes on 401).
    @Test func anExpiredXetTokenIsRefused() async throws {
        let file = try await registered(in: "alice/weights")
        let live = try test.hub.xet.access("Bearer \(try await xetToken("read"))", needs: .read)
        let expired = test.hub.xet.signer.sign(
            XetToken(scope: .read, repoRowID: live.repoRowID, userID: live.userID, expires: Int64(Date().timeIntervalSince1970) - 1))
        #expect(live.expires - Int64(Date().timeIntervalSince1970) > 3_500)
        try await test.application().test(.router) { client async throws in
            try await client.execute(uri: "/xet/v1/reconstructions/\(file)", method: .get, headers: bearer(expired)) {
                #expect($0.status == .unauthorized)
            }
        }
    }

    @Test func aReconstructionPastTheEndOfTheFileIs416() async throws {
        let file = try await registered(in: "alice/weights")
        let token = try await xetToken("read")
        try await test.application().test(.router) { client async throws in
            var headers = bearer(token)
            headers[.range] = "bytes=\(XetFixture.mixed.size)-"
            try await client.execute(uri: "/xet/v2/reconstructions/\(file)", method: .get, headers: headers) {
                #expect($0.status == .rangeNotSatisfiable)
            }
        }
    }

    struct Plan: Decodable {
        struct Fetch: Decodable {
            let url: String
        }
        let xorbs: [String: [Fetch]]
    }

    /// The signed xorb URL of a v2 reconstruction works as given; changed in any part, or past
    /// its expiry, it is 403 and not one byte goes out.
    @Test func aTamperedOrExpiredXorbURLIsForbidden() async throws {
        let file = try await registered(in: "alice/weights")
        let token = try await xetToken("read")
        try await test.application().test(.router) { client async throws in
            let plan = try await client.execute(uri: "/xet/v2/reconstructions/\(file)", method: .get, headers: bearer(token)) {
                try JSONDecoder().decode(Plan.self, from: Data(buffer: $0.body))
            }
            let url = try #require(plan.xorbs.values.first?.first?.url)
            let path = String(url[try #require(url.range(of: "/xet/")).lowerBound...])
            try await client.execute(uri: path, method: .get) { #expect($0.status == .ok && $0.body.readableBytes > 0) }
            let expires = String(try #require(path.split(separator: "expires=").last).prefix { $0.isNumber })
            let tampered = [
                path.replacingOccurrences(of: "signature=", with: "signature=A"),
                path.replacingOccurrences(of: "expires=\(expires)", with: "expires=\(Int(expires)! + 1)"),
                path.replacingOccurrences(of: "windows=", with: "windows=0-1,"),
                path.replacingOccurrences(of: XetFixture.mixed.xorbHash, with: XetFixture.text.xorbHash),
            ]
            for uri in tampered {
                try await client.execute(uri: uri, method: .get) {
                    #expect($0.status == .forbidden, "\(uri)")
                    #expect(!String(buffer: $0.body).contains("XETBLOB"))
                }
            }
            // An expired signature, correctly made, is refused too.
            let windows = String(try #require(path.split(separator: "windows=").last).prefix { $0 != "&" })
            let bounds = windows.split(separator: "-").compactMap { Int64($0) }
            let hash = try #require(MerkleHash(xetString: XetFixture.mixed.xorbHash))
            let old = test.hub.xet.signer.signWindows(xorb: hash.xetString, windows: [bounds[0]...bounds[1]], expires: 1_000)
            try await client.execute(
                uri: "/xet/v1/xorb-data/\(hash.xetString)?windows=\(windows)&expires=1000&signature=\(old)", method: .get
            ) { #expect($0.status == .forbidden) }
        }
    }
}
