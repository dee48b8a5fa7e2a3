import Crypto
import HubCore
@testable import HubServices
import HubTesting
import NIOCore
import Testing
import XetCore

/// Storage quotas: what a namespace holds is the sum of its repositories' `usedStorage`; every
/// way bytes come in (LFS batch and upload, the upload form, an API commit, Xet, a repository
/// moved in) is refused before its bytes are taken when it would pass the quota, and a write
/// that adds nothing always passes.
@Suite struct StorageQuotaTests {
    let test: TestHub
    let token: String
    let repo: RepoInfo

    init() async throws {
        test = try TestHub()
        token = try await test.user("alice")
        repo = try await test.repo("weights", token: token)
    }

    var alice: HubName { get throws { try HubName("alice") } }

    func used() async throws -> Int64 {
        try await test.hub.repos.storageUsage(of: alice).usedBytes
    }

    /// A quota that leaves `room` bytes free from what alice holds now.
    func leave(_ room: Int64) async throws {
        try await test.hub.repos.setStorageQuota(try await used() + room, of: alice)
    }

    func grant(_ id: RepoID) async throws -> RepoGrant {
        try await test.hub.repos.grant(id, caller: try await test.caller(token), need: .write)
    }

    static func random(_ count: Int, seed: UInt8) -> [UInt8] {
        // Bytes zlib cannot shrink, so git stores about as many as are sent.
        var state = SHA256.hash(data: [seed]).map { $0 }
        var bytes: [UInt8] = []
        while bytes.count < count {
            state = SHA256.hash(data: state).map { $0 }
            bytes += state
        }
        return Array(bytes.prefix(count))
    }

    static func isQuotaRefusal(_ error: any Error) -> Bool {
        guard case .forbidden(let message) = error as? HubError else { return false }
        return message.hasPrefix("Storage quota reached: the repositories of 'alice'")
    }

    @Test func whatANamespaceHoldsIsTheSumOfItsRepositoriesUsedStorageAndOtherNamespacesDoNotCount() async throws {
        let hidden = try await test.repo("hidden", isPrivate: true, token: token)
        _ = try await test.hub.lfs.storeWhole(Self.random(5_000, seed: 1), repo: repo)
        _ = try await test.hub.lfs.storeWhole(Self.random(7_000, seed: 2), repo: hidden)
        // The same object in two repositories counts twice, as usedStorage counts it.
        _ = try await test.hub.lfs.storeWhole(Self.random(5_000, seed: 1), repo: hidden)
        let bob = try await test.user("bob")
        _ = try await test.hub.lfs.storeWhole(Self.random(9_000, seed: 3), repo: try await test.repo("b", owner: "bob", token: bob))

        var expected: Int64 = 0
        for id in [repo.id, hidden.id] {
            expected += test.hub.repos.usedStorage(of: try #require(try await test.hub.repos.store.find(id, withCounters: true)))
        }
        let usage = try await test.hub.repos.storageUsage(of: alice)
        #expect(usage == StorageUsage(namespace: try alice, usedBytes: expected, quota: nil))
        #expect(expected > 17_000 && expected < 17_000 + 4_000)

        try await test.hub.repos.setStorageQuota(50_000_000_000, of: try HubName("ALICE"))
        #expect(try await test.hub.repos.storageUsage(of: alice).quota == 50_000_000_000)
        #expect(try await test.hub.repos.storageUsages() == [StorageUsage(namespace: try alice, usedBytes: expected, quota: 50_000_000_000)])
        try await test.hub.repos.setStorageQuota(nil, of: alice)
        #expect(try await test.hub.repos.storageUsages().isEmpty)
    }

    @Test func aQuotaForANameNoAccountHasIsRefused() async throws {
        await #expect(throws: HubError.badRequest("No user or organization is called 'nobody'")) {
            try await test.hub.repos.setStorageQuota(1_000, of: try HubName("nobody"))
        }
        await #expect(throws: HubError.badRequest("A storage quota cannot be negative")) {
            try await test.hub.repos.setStorageQuota(-1, of: try alice)
        }
    }

    @Test func anLFSBatchWhoseNewObjectsWouldPassTheQuotaIsRefusedWholeAndOneThatFitsIsOffered() async throws {
        try await leave(1_000)
        let grant = try await grant(repo.id)
        let objects = [LFSObjectRequest(oid: String(repeating: "a", count: 64), size: 600),
                       LFSObjectRequest(oid: String(repeating: "b", count: 64), size: 600)]
        await #expect(performing: {
            _ = try await test.hub.lfs.batch(.upload, objects: objects, hashAlgorithm: nil, on: grant)
        }, throws: Self.isQuotaRefusal)
        let one = try await test.hub.lfs.batch(.upload, objects: [objects[0]], hashAlgorithm: nil, on: grant)
        guard case .upload = one.first else { Issue.record("\(one)"); return }
        // Downloads are never charged.
        _ = try await test.hub.lfs.batch(.download, objects: objects, hashAlgorithm: nil, on: grant)
    }

    @Test func anUploadIsCheckedAgainWhenItsBytesComeAndAnObjectTheRepositoryHoldsAddsNothing() async throws {
        let bytes = Self.random(3_000, seed: 4)
        let grant = try await grant(repo.id)
        let oid = SHA256.hash(data: bytes).hexString
        let offered = try await test.hub.lfs.batch(.upload, objects: [.init(oid: oid, size: 3_000)], hashAlgorithm: nil, on: grant)
        guard case .upload(_, _, let uploadGrant, _) = offered.first else { Issue.record("\(offered)"); return }
        // Another upload filled the namespace between the batch and the transfer.
        try await leave(2_000)
        await #expect(performing: {
            try await test.hub.lfs.upload(
                repo: repo.id, oid: oid, grant: uploadGrant, declaredLength: 3_000, body: XetServiceTests.body(bytes))
        }, throws: Self.isQuotaRefusal)
        #expect(try await test.hub.lfs.boundSize(of: try LFSObjectID(oid), repoRowID: repo.rowID) == nil)

        try await leave(3_000)
        try await test.hub.lfs.upload(
            repo: repo.id, oid: oid, grant: uploadGrant, declaredLength: 3_000, body: XetServiceTests.body(bytes))
        try await leave(0)
        // Already held: offered as present, sent again without charge.
        let again = try await test.hub.lfs.batch(.upload, objects: [.init(oid: oid, size: 3_000)], hashAlgorithm: nil, on: grant)
        guard case .present = again.first else { Issue.record("\(again)"); return }
        _ = try await test.hub.lfs.storeWhole(bytes, repo: repo)
    }

    @Test func aCommitIsChargedTheGitObjectsItAddsAndARefusedOneChangesNothing() async throws {
        let head = repo.headCommit
        try await leave(500)
        let caller = try await test.caller(token)
        let session = try await test.hub.commits.begin(repo.id, revision: "main", caller: caller)
        try session.addFile(path: "data.bin", contents: Self.random(1_000, seed: 5))
        await #expect(performing: {
            _ = try await session.finish(summary: "Add data", description: "", parentCommit: nil)
        }, throws: Self.isQuotaRefusal)
        #expect(try await test.hub.repos.store.find(repo.id)?.headCommit == head)

        // The upload form stores LFS objects before the commit: refused before storing.
        let form = try await test.hub.commits.begin(repo.id, revision: "main", caller: caller)
        await #expect(performing: {
            try await form.addUploadedFiles([("model.safetensors", Self.random(800, seed: 6))])
        }, throws: Self.isQuotaRefusal)

        // Deleting a file adds only a tree and a commit: a few hundred bytes fit.
        try await leave(1_000)
        let small = try await test.hub.commits.begin(repo.id, revision: "main", caller: caller)
        try small.deleteFile(path: ".gitattributes")
        _ = try await small.finish(summary: "Remove attributes", description: "", parentCommit: nil)
        // A pull request's objects are charged to the repository's namespace too.
        try await leave(100)
        let pullRequest = try await test.hub.commits.begin(repo.id, revision: "main", caller: caller)
        try pullRequest.addFile(path: "notes.txt", contents: Self.random(1_000, seed: 7))
        await #expect(performing: {
            _ = try await pullRequest.finishAsPullRequest(summary: "Notes", description: "", parentCommit: nil)
        }, throws: Self.isQuotaRefusal)
    }

    @Test func aRepositoryMovesOnlyIntoANamespaceWithRoomForWhatItHolds() async throws {
        let bob = try await test.user("bob")
        _ = try await test.hub.lfs.storeWhole(Self.random(5_000, seed: 8), repo: try await test.repo("big", owner: "bob", token: bob))
        let org = try await test.hub.orgs.create(name: "lab", fullname: nil, privateByDefault: false, owner: "bob", by: .siteOperator)
        let bobCaller = try await test.caller(bob)
        try await test.hub.repos.setStorageQuota(1_000, of: org.name)
        await #expect(performing: {
            try await test.hub.repos.move(
                try RepoID(kind: .model, namespace: "bob", name: "big"), to: try RepoID(kind: .model, namespace: "lab", name: "big"),
                caller: bobCaller)
        }, throws: { ($0 as? HubError)?.message.hasPrefix("Storage quota reached: the repositories of 'lab'") == true })
        // A rename within the namespace moves nothing between quotas.
        try await test.hub.repos.setStorageQuota(0, of: try HubName("bob"))
        try await test.hub.repos.move(
            try RepoID(kind: .model, namespace: "bob", name: "big"), to: try RepoID(kind: .model, namespace: "Bob", name: "bigger"),
            caller: bobCaller)
    }

    @Test func aXetUploadIsRefusedAtTheXorbWhenEvenItsCompressedBytesWouldNotFitAndAtTheShard() async throws {
        let grant = try await grant(repo.id)
        let (text, _) = try await test.hub.xet.token(for: grant, revision: "main", scope: .write, creatingPullRequest: false)
        let token = try test.hub.xet.access("Bearer \(text)", needs: .write)
        let fixture = XetFixture.mixed
        let xorb = try fixture.xorb
        let hash = try #require(MerkleHash(xetString: fixture.xorbHash))
        try await leave(Int64(xorb.count) - 1)
        await #expect(performing: {
            _ = try await test.hub.xet.storeXorb(
                XetServiceTests.body(xorb), as: hash, declaredLength: Int64(xorb.count), token: token)
        }, throws: Self.isQuotaRefusal)
        #expect(try await test.hub.xet.xorbs.chunks(of: hash) == nil)

        // Room for the xorb, not for the file made of it (its chunks uncompressed).
        try await leave(Int64(xorb.count))
        _ = try await test.hub.xet.storeXorb(XetServiceTests.body(xorb), as: hash, declaredLength: Int64(xorb.count), token: token)
        #expect(Int64(xorb.count) < Int64(fixture.size))
        await #expect(performing: {
            _ = try await test.hub.xet.registerShard(try fixture.shard, token: token)
        }, throws: Self.isQuotaRefusal)
        #expect(try await test.hub.xet.file(sha256: try LFSObjectID(fixture.sha256)) == nil)

        try await leave(Int64(fixture.size))
        _ = try await test.hub.xet.registerShard(try fixture.shard, token: token)
        // Sent again by a second upload of the same file: neither the xorb nor the file adds anything.
        try await leave(0)
        _ = try await test.hub.xet.storeXorb(XetServiceTests.body(xorb), as: hash, declaredLength: Int64(xorb.count), token: token)
        _ = try await test.hub.xet.registerShard(try fixture.shard, token: token)
    }
}
