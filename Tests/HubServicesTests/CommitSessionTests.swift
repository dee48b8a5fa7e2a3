import Foundation
import HubCore
import HubGit
@testable import HubServices
import HubTesting
import Testing

/// Commits made through the API, at the service: what lands in git, what the index says after,
/// and what is refused before anything is written.
@Suite struct CommitSessionTests {
    let test: TestHub
    let token: String
    let caller: Caller
    let id: RepoID

    init() async throws {
        test = try TestHub()
        token = try await test.user("alice")
        caller = try await test.caller(token)
        id = try await test.repo("spam", token: token).id
    }

    @Test func aCommitMovesTheBranchAndTheIndexReadsItsCardInTheSameCall() async throws {
        let session = try await test.hub.commits.begin(id, revision: "main", caller: caller)
        try session.addFile(path: "README.md", contents: Array("---\nlicense: mit\n---\n# Spam\n".utf8))
        try session.addFile(path: "src/config.json", contents: Array("{}".utf8))
        let commit = try await session.finish(summary: "Add card", description: "", parentCommit: nil)

        let repo = try await test.hub.repos.readable(id, caller: caller)
        #expect(repo.headCommit == commit)
        #expect(repo.card.dataJSON == #"{"license":"mit"}"#)
        let git = try GitRepository.open(at: test.hub.repos.location(of: repo))
        #expect(try git.text(at: "src/config.json", inCommit: commit) == "{}")
        #expect(try git.log(from: commit, offset: 0, limit: 1).entries.first?.authorName == "alice")
    }

    @Test func anLFSFileNotUploadedToThisRepositoryIsRefused() async throws {
        let session = try await test.hub.commits.begin(id, revision: "main", caller: caller)
        let unknown = String(repeating: "ab", count: 32)
        await #expect(throws: HubError.badRequest("The LFS object \(unknown) of model.bin was not uploaded to this repository")) {
            try await session.addLFSFile(path: "model.bin", oid: unknown, size: 10)
        }
    }

    @Test func bytesUploadedWholeGoToLFSByTheClientsRuleAndAreBoundToTheRepository() async throws {
        let session = try await test.hub.commits.begin(id, revision: "main", caller: caller)
        let binary: [UInt8] = [0, 1, 2, 3]
        try await session.addUploadedFiles([(path: "weights.bin", contents: binary), (path: "notes.txt", contents: Array("hi".utf8))])
        let commit = try await session.finish(summary: "Upload", description: "", parentCommit: nil)

        let repo = try await test.hub.repos.readable(id, caller: caller)
        let git = try GitRepository.open(at: test.hub.repos.location(of: repo))
        let pointer = try #require(try git.describe(path: "weights.bin", inCommit: commit)?.pointer)
        #expect(pointer.size == 4)
        #expect(try await test.hub.lfs.boundSize(of: pointer.oid, repoRowID: repo.rowID) == 4)
        #expect(try git.text(at: "notes.txt", inCommit: commit) == "hi")
        let attributes = PathPatterns.lfsAttributes(try git.text(at: ".gitattributes", inCommit: commit) ?? "")
        #expect(attributes.value(for: "weights.bin") == true)
    }

    @Test func aFileWhereAFolderIsIsAConflictAndTheBranchStays() async throws {
        let head = try await test.commit(["data/a.txt": "a"], to: id, token: token)

        let second = try await test.hub.commits.begin(id, revision: "main", caller: caller)
        try second.addFile(path: "data", contents: Array("b".utf8))
        await #expect(throws: HubError.conflict("A file of this commit is where a folder is, or the reverse")) {
            try await second.finish(summary: "file over folder", description: "", parentCommit: nil)
        }
        #expect(try await test.hub.repos.readable(id, caller: caller).headCommit == head)
    }

    @Test func aStaleParentCommitIsRefusedInTheHubsWords() async throws {
        let session = try await test.hub.commits.begin(id, revision: "main", caller: caller)
        try session.addFile(path: "a.txt", contents: Array("a".utf8))
        await #expect(throws: HubError.preconditionFailed(
            "The branch was updated since you opened this page. Please refresh and try again.")) {
            try await session.finish(summary: "stale", description: "", parentCommit: "0000000")
        }
    }
}
