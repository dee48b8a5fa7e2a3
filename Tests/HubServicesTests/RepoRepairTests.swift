import Foundation
import HubCore
import HubGit
@testable import HubServices
import HubTesting
import Testing

/// The index follows git even when the two were updated apart: a push that raced a rename, and a
/// branch that moved while the server was down.
@Suite struct RepoRepairTests {
    let test: TestHub

    init() throws {
        test = try TestHub()
    }

    /// Moves main to a new commit with the same tree, as a push landing outside the index would.
    func moveMain(of repo: RepoInfo) throws -> String {
        let git = try GitRepository.open(at: test.hub.repos.location(of: repo))
        let head = try #require(try git.commit(atRef: "refs/heads/main")).id
        let author = GitSignature(name: "a", email: "a@example.com", date: Date())
        let built = try #require(try git.createCommit(parent: head, changes: [], message: "outside", author: author))
        #expect(try git.moveRef("refs/heads/main", to: built.commit, expecting: head, message: "test"))
        return built.commit
    }

    /// alice, signed in with her write token.
    func alice() async throws -> Caller {
        try await test.caller(try await test.user("alice"))
    }

    @Test func aPushThatRacedARenameUpdatesTheRowUnderItsNewName() async throws {
        let caller = try await alice()
        let old = try RepoID(kind: .model, namespace: "alice", name: "before")
        let new = try RepoID(kind: .model, namespace: "alice", name: "after")
        let stale = try await test.hub.repos.create(old, isPrivate: false, sdk: nil, caller: caller)
        try await test.hub.repos.move(old, to: new, caller: caller)
        let renamed = try await test.hub.repos.readable(new, caller: caller)
        let pushed = try moveMain(of: renamed)
        // What GitGateway does after receive-pack, with the repository it authorised before the rename.
        try await test.hub.repos.refreshHead(of: stale)
        #expect(try await test.hub.repos.readable(new, caller: caller).headCommit == pushed)
    }

    @Test func aPushersFirstRequestCatchesTheIndexUpWithABranchAnotherInstanceMoved() async throws {
        let caller = try await alice()
        let id = try RepoID(kind: .model, namespace: "alice", name: "shared")
        let repo = try await test.hub.repos.create(id, isPrivate: false, sdk: nil, caller: caller)
        let moved = try moveMain(of: repo)
        // A fetch's advertisement leaves the index alone; a push's brings it up to git's head.
        let reader = try await test.hub.repos.grant(id, caller: caller)
        try await test.hub.git.advertiseRefs(.uploadPack, of: reader, gitProtocol: nil) { _ in }
        #expect(try await test.hub.repos.readable(id, caller: caller).headCommit != moved)
        let pusher = try await test.hub.repos.grant(id, caller: caller, need: .write)
        try await test.hub.git.advertiseRefs(.receivePack, of: pusher, gitProtocol: nil) { _ in }
        #expect(try await test.hub.repos.readable(id, caller: caller).headCommit == moved)
    }

    @Test func repairAfterCrashReadsTheHeadsTheIndexMissed() async throws {
        let caller = try await alice()
        let id = try RepoID(kind: .model, namespace: "alice", name: "demo")
        let untouched = try RepoID(kind: .dataset, namespace: "alice", name: "data")
        let repo = try await test.hub.repos.create(id, isPrivate: true, sdk: nil, caller: caller)
        _ = try await test.hub.repos.create(untouched, isPrivate: false, sdk: nil, caller: caller)
        let moved = try moveMain(of: repo)
        #expect(try await test.hub.repos.readable(id, caller: caller).headCommit != moved)
        let repaired = try await test.hub.repos.repairAfterCrash()
        #expect(repaired.heads == 1)
        #expect(try await test.hub.repos.readable(id, caller: caller).headCommit == moved)
        #expect(try await test.hub.repos.repairAfterCrash().heads == 0)
    }

    @Test func aRepositoryMissingOnDiskIsReportedAndTheOthersAreStillRepaired() async throws {
        let caller = try await alice()
        let lost = try await test.hub.repos.create(
            try RepoID(kind: .model, namespace: "alice", name: "lost"), isPrivate: false, sdk: nil, caller: caller)
        let behind = try await test.hub.repos.create(
            try RepoID(kind: .model, namespace: "alice", name: "behind"), isPrivate: false, sdk: nil, caller: caller)
        let moved = try moveMain(of: behind)
        try FileManager.default.removeItem(at: test.hub.repos.location(of: lost))
        let repaired = try await test.hub.repos.repairAfterCrash()
        #expect(repaired.unreadable == [lost.id])
        #expect(repaired.heads == 1)
        #expect(try await test.hub.repos.readable(behind.id, caller: caller).headCommit == moved)
    }

    @Test func startUpFinishesADeleteThatACrashInterrupted() async throws {
        let caller = try await alice()
        let id = try RepoID(kind: .model, namespace: "alice", name: "gone")
        let kept = try RepoID(kind: .model, namespace: "alice", name: "kept")
        let repo = try await test.hub.repos.create(id, isPrivate: false, sdk: nil, caller: caller)
        _ = try await test.hub.repos.create(kept, isPrivate: false, sdk: nil, caller: caller)
        let location = test.hub.repos.location(of: repo)
        // What a crash between the delete's commit point (the row) and the folder's removal leaves.
        let copy = test.directory.url.appendingPathComponent("copy.git")
        try FileManager.default.copyItem(at: location, to: copy)
        try await test.hub.repos.delete(id, caller: caller)
        try FileManager.default.moveItem(at: copy, to: location)

        let reconciled = try await test.hub.repos.reconcileStorage()
        #expect(reconciled.removed == 1 && reconciled.moved == 0)
        #expect(!FileManager.default.fileExists(atPath: location.path))
        #expect(try await test.hub.repos.readable(kept, caller: caller).id == kept)
        // The name is free again.
        _ = try await test.hub.repos.create(id, isPrivate: false, sdk: nil, caller: caller)
        #expect(try await test.hub.repos.reconcileStorage().removed == 0)
    }
}
