import Foundation
import HubCore
@testable import HubServices
import HubTesting
import NIOCore
import Testing
import XetCore

/// `Hub.collectGarbage` (`modelhub gc`) with what hf_xet really uploads: what any binding still
/// needs stays, what was used within the grace period stays, the rest goes; a dry run changes
/// nothing and reports the same.
@Suite struct GarbageCollectionTests {
    let test: TestHub
    let token: XetToken

    init() async throws {
        test = try TestHub()
        let alice = try await test.user("alice")
        let repo = try await test.repo("weights", token: alice)
        let grant = try await test.hub.repos.grant(repo.id, caller: try await test.caller(alice), need: .write)
        let (text, _) = try await test.hub.xet.token(for: grant, revision: "main", scope: .write, creatingPullRequest: false)
        token = try test.hub.xet.access("Bearer \(text)", needs: .write)
    }

    func store(_ fixture: XetFixture) async throws {
        let hash = try #require(MerkleHash(xetString: fixture.xorbHash))
        _ = try await test.hub.xet.storeXorb(XetServiceTests.body(try fixture.xorb), as: hash, token: token)
    }

    func stored(_ fixture: XetFixture) async throws -> Bool {
        try await test.hub.xet.xorbs.chunks(of: try #require(MerkleHash(xetString: fixture.xorbHash))) != nil
    }

    /// Registered bytes are bound to the repository (as an upload not yet committed), the other
    /// xorb was sent with no shard: with a grace period both stay; without one, the dry run
    /// reports what the real run then does.
    @Test func anAbandonedXorbAndAnUncommittedUploadGoOnlyPastTheGracePeriod() async throws {
        try await store(.mixed)
        _ = try await test.hub.xet.registerShard(try XetFixture.mixed.shard, token: token)
        try await store(.text)
        var nothing = GarbageReport()
        nothing.repositories = 1  // git gc --auto ran on the one repository, and found nothing to do
        #expect(try await test.hub.collectGarbage(grace: 3600, dryRun: false) == nothing)
        #expect(try await stored(.mixed))
        #expect(try await stored(.text))

        try await Task.sleep(for: .milliseconds(20))
        let dry = try await test.hub.collectGarbage(grace: 0, dryRun: true)
        #expect(try await stored(.mixed))
        #expect(try await stored(.text))
        #expect(try await test.hub.xet.file(sha256: try LFSObjectID(XetFixture.mixed.sha256)) != nil)
        let done = try await test.hub.collectGarbage(grace: 0, dryRun: false)
        #expect(dry == done)
        #expect(done.uncommittedUploads == 1 && done.files == 1 && done.xorbs == 2 && done.bytes > 0)
        #expect(try await stored(.mixed) == false)
        #expect(try await stored(.text) == false)
        #expect(try await test.hub.xet.file(sha256: try LFSObjectID(XetFixture.mixed.sha256)) == nil)
    }

    /// A xorb a dedup answer offered may be named by a client's shard soon: it is marked used,
    /// so a collector with a grace period spares it even if no file needs it yet.
    @Test func aXorbADedupAnswerOfferedIsSparedForTheGracePeriod() async throws {
        try await store(.mixed)
        _ = try await test.hub.xet.registerShard(try XetFixture.mixed.shard, token: token)
        let summary = try XetFixture.mixed.xorb.withUnsafeBytes { try XorbVerifier.verify($0) }
        try await Task.sleep(for: .milliseconds(1_100))
        #expect(try await test.hub.xet.dedupShard(for: summary.chunks[0].hash) != nil)
        let xorb = try #require(try await test.hub.xet.xorbs.allXorbs().first)
        #expect(Date().timeIntervalSince(xorb.lastUsed) < 1)
        #expect(try await test.hub.xet.xorbs.delete(xorb.hash, unusedSince: Date().addingTimeInterval(-1)) == nil)
        #expect(try await stored(.mixed))
    }

    /// Deleting a repository frees its weights: an LFS object no repository holds is noted by one
    /// run and deleted by the next one past the grace period; one another repository holds, or
    /// one bound again between the runs, stays.
    @Test func theWeightsOfADeletedRepositoryGoOnTheRunAfterTheOneThatFoundThemUnheld() async throws {
        let bob = try await test.user("bob")
        let caller = try await test.caller(bob)
        let gone = try await test.repo("gone", owner: "bob", token: bob)
        let kept = try await test.repo("kept", owner: "bob", token: bob)
        let own = try await test.hub.lfs.storeWhole(Array("only in gone".utf8), repo: gone)
        let shared = try await test.hub.lfs.storeWhole(Array("in both".utf8), repo: gone)
        try await test.hub.lfs.store.bind(shared.oid, size: shared.size, toRepo: kept.rowID)
        let again = try await test.hub.lfs.storeWhole(Array("uploaded again".utf8), repo: gone)
        try await test.hub.repos.delete(gone.id, caller: caller)

        let first = try await test.hub.collectGarbage(grace: 0, dryRun: false)
        #expect(first.lfsObjectsMarked == 2 && first.lfsObjects == 0)
        #expect(try await test.hub.lfs.blobs.size(of: own.oid) != nil)
        // Between the runs, someone uploads one of them again.
        try await test.hub.lfs.store.bind(again.oid, size: again.size, toRepo: kept.rowID)
        try await Task.sleep(for: .milliseconds(20))
        let dry = try await test.hub.collectGarbage(grace: 0, dryRun: true)
        #expect(dry.lfsObjects == 1 && dry.lfsBytes == own.size)
        #expect(try await test.hub.lfs.blobs.size(of: own.oid) != nil)
        let second = try await test.hub.collectGarbage(grace: 0, dryRun: false)
        #expect(second.lfsObjects == 1 && second.lfsBytes == own.size)
        #expect(try await test.hub.lfs.blobs.size(of: own.oid) == nil)
        #expect(try await test.hub.lfs.blobs.size(of: shared.oid) != nil)
        #expect(try await test.hub.lfs.blobs.size(of: again.oid) != nil)
        #expect(try await test.hub.lfs.store.storedBytes() == shared.size + again.size)
    }
}
