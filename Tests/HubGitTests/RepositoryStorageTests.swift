import Foundation
import HubCore
import HubGit
import HubTesting
import Testing

@Suite struct RepositoryStorageTests {
    let directory: TemporaryDirectory
    let storage: RepositoryStorage

    init() throws {
        directory = try TemporaryDirectory()
        storage = RepositoryStorage(dataDirectory: directory.url, temporaryDirectory: directory.url.appendingPathComponent("tmp"))
    }

    @Test func preparedRepositoryHasOneCommitOnMain() throws {
        let author = GitSignature(name: "system", email: "system@modelhub.local", date: Date(timeIntervalSince1970: 1_700_000_000))
        let prepared = try storage.prepare(
            files: [(".gitattributes", Array("*.bin filter=lfs\n".utf8))], message: "initial commit", author: author,
            branch: "main")
        let id = try RepoID(kind: .model, namespace: "Alice", name: "Demo")
        try storage.install(prepared, as: id, rowID: 1)

        let location = storage.location(of: id)
        #expect(location.path.hasSuffix("repos/models/alice/demo.git"))
        let head = try #require(try GitRepository.open(at: location).commit(atRef: "refs/heads/main"))
        #expect(head.id == prepared.commit)
        #expect(head.date == author.date)
        // HEAD points at main, so a clone checks it out.
        let headFile = try String(contentsOf: location.appendingPathComponent("HEAD"), encoding: .utf8)
        #expect(headFile == "ref: refs/heads/main\n")
        #expect(directory.listing("tmp").isEmpty)
    }

    @Test func missingRefReadsAsNil() throws {
        let prepared = try storage.prepare(
            files: [], message: "empty", author: GitSignature(name: "a", email: "a@b", date: Date()), branch: "main")
        defer { storage.discard(prepared) }
        #expect(try GitRepository.open(at: prepared.location).commit(atRef: "refs/heads/nope") == nil)
    }

    @Test func removeLeavesNothingBehind() throws {
        let prepared = try storage.prepare(
            files: [], message: "m", author: GitSignature(name: "a", email: "a@b", date: Date()), branch: "main")
        let id = try RepoID(kind: .dataset, namespace: "alice", name: "ds")
        try storage.install(prepared, as: id, rowID: 1)
        try storage.remove(id)
        #expect(!FileManager.default.fileExists(atPath: storage.location(of: id).path))
        #expect(directory.listing("tmp").isEmpty)
    }
}

@Suite struct RepositoryRelocationTests {
    @Test func aRepositoryLeftAtTheWrongPlaceIsFoundByItsMarkerAndMovedBack() throws {
        let directory = try TemporaryDirectory()
        let storage = RepositoryStorage(dataDirectory: directory.url, temporaryDirectory: directory.url.appendingPathComponent("tmp"))
        let prepared = try storage.prepare(
            files: [], message: "m", author: GitSignature(name: "a", email: "a@b", date: Date()), branch: "main")
        let old = try RepoID(kind: .model, namespace: "alice", name: "old")
        let new = try RepoID(kind: .model, namespace: "alice", name: "new")
        try storage.install(prepared, as: old, rowID: 42)
        // A crash after the folder moved and before the index row did.
        try storage.move(old, to: new)
        let marked = try storage.markedRepositories()
        #expect(marked.map(\.rowID) == [42])
        try storage.relocate(try #require(marked.first).location, to: old)
        #expect(FileManager.default.fileExists(atPath: storage.location(of: old).path))
        #expect(!FileManager.default.fileExists(atPath: storage.location(of: new).path))
        #expect(try GitRepository.open(at: storage.location(of: old)).commit(atRef: "refs/heads/main") != nil)
    }
}
