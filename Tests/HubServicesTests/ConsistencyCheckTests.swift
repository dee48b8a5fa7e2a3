import Foundation
import HubCore
import HubGit
@testable import HubServices
import HubTesting
import Testing

/// `modelhub fsck`'s checks, on the embedded index (the end-to-end tests run them in every mode).
@Suite struct ConsistencyCheckTests {
    let test: TestHub

    init() throws {
        test = try TestHub()
    }

    @Test func aFolderWhoseRowIsGoneIsReportedAndLeftAlone() async throws {
        let token = try await test.user("alice")
        let repo = try await test.repo("orphan", token: token)
        // What an index restored from an older backup, or a delete that crashed, leaves.
        #expect(try await test.hub.repos.store.delete(repo.id))
        let report = try await test.hub.checkConsistency(objects: false, repair: true)
        #expect(report.findings.map(\.kind) == [.unindexedRepository])
        #expect(report.damaged)
        #expect(FileManager.default.fileExists(atPath: test.hub.repos.location(of: repo).path))
    }

    @Test func aSoundHubHasNothingToReport() async throws {
        let token = try await test.user("alice")
        let repo = try await test.repo("weights", token: token)
        let pointer = try await test.hub.lfs.storeWhole(Array("weights".utf8), repo: repo)
        let session = try await test.hub.commits.begin(repo.id, revision: "main", caller: try await test.caller(token))
        try await session.addLFSFile(path: "model.bin", oid: pointer.oid.hex, size: pointer.size)
        _ = try await session.finish(summary: "weights", description: "", parentCommit: nil)
        let report = try await test.hub.checkConsistency(objects: true, repair: false)
        #expect(report.findings.isEmpty)
        #expect(report.repositories == 1 && report.objects == 1)
        #expect(!report.damaged)
    }

    @Test func anObjectDeletedOnPurposeIsRecordedUntilItIsBoundAgain() async throws {
        let token = try await test.user("alice")
        let repo = try await test.repo("weights", token: token)
        let pointer = try await test.hub.lfs.storeWhole(Array("weights".utf8), repo: repo)
        let store = test.hub.lfs.store
        _ = try await store.unbind([pointer.oid], repo: repo.rowID, onPurpose: true)
        #expect(try await store.deletedOnPurpose(repo: repo.rowID) == [pointer.oid])
        try await store.bind(pointer.oid, size: pointer.size, toRepo: repo.rowID)
        #expect(try await store.deletedOnPurpose(repo: repo.rowID).isEmpty)
        // Unbinding an upload nobody committed is no deletion on purpose.
        _ = try await store.unbind([pointer.oid], repo: repo.rowID, onPurpose: false)
        #expect(try await store.deletedOnPurpose(repo: repo.rowID).isEmpty)
    }
}
