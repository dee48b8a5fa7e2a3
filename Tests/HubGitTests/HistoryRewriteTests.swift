import Foundation
import HubCore
import HubGit
import HubTesting
import Testing

/// `rewriteHistory`, `moveRefs`, `writeCommit` and `lfsReferences`: the git side of
/// `super_squash_history`, `list_lfs_files` and `permanently_delete_lfs_files`.
@Suite struct HistoryRewriteTests {
    let directory: TemporaryDirectory
    let repository: GitRepository
    let root: String
    let author = GitSignature(name: "alice", email: "alice@example.com", date: Date(timeIntervalSince1970: 1_700_000_000))

    init() throws {
        directory = try TemporaryDirectory()
        let storage = RepositoryStorage(dataDirectory: directory.url)
        let prepared = try storage.prepare(
            files: [(".gitattributes", Array("*.bin filter=lfs\n".utf8))], message: "initial commit", author: author,
            branch: "main")
        repository = try GitRepository.open(at: prepared.location)
        root = prepared.commit
    }

    func blob(_ text: String) throws -> String {
        try Array(text.utf8).withUnsafeBytes { try repository.writeBlob($0) }
    }

    func pointer(_ content: String) throws -> (blob: String, oid: LFSObjectID) {
        // Any 64 hex digits name an object: the bytes themselves are never read here.
        let hex = content.utf8.map { String($0, radix: 16) }.joined()
        let oid = try LFSObjectID(String((hex + String(repeating: "0", count: 64)).prefix(64)))
        let text = "version https://git-lfs.github.com/spec/v1\noid sha256:\(oid.hex)\nsize \(content.utf8.count)\n"
        return (try blob(text), oid)
    }

    func commit(_ changes: [GitTreeChange], on parent: String) throws -> String {
        try #require(try repository.createCommit(parent: parent, changes: changes, message: "m", author: author)).commit
    }

    @Test func rewriteDropsThePointersAndFoldersLeftEmptyAndKeepsTheRest() throws {
        let weights = try pointer("weights")
        let other = try pointer("other")
        let first = try commit(
            [.upsert(path: "deep/only/w.bin", blobID: weights.blob), .upsert(path: "keep.txt", blobID: try blob("k"))],
            on: root)
        let second = try commit([.upsert(path: "o.bin", blobID: other.blob)], on: first)
        #expect(try repository.moveRef("refs/heads/main", to: second, expecting: root, message: "test"))
        #expect(try repository.moveRef("refs/heads/side", to: root, expecting: nil, message: "test"))
        #expect(try repository.createTag("v1", on: first, message: "release", tagger: author))

        let changed = try repository.rewriteHistory(of: ["refs/heads/main", "refs/heads/side", "refs/tags/v1"]) { _, bytes in
            LFSPointer(parsing: bytes)?.oid == weights.oid
        }
        #expect(Set(changed.keys) == ["refs/heads/main", "refs/tags/v1"])
        let newMain = try #require(changed["refs/heads/main"]).new
        #expect(try repository.entry(at: "deep", inCommit: newMain) == nil)
        #expect(try repository.entry(at: "o.bin", inCommit: newMain)?.kind == .blob)
        #expect(try repository.entry(at: "keep.txt", inCommit: newMain)?.kind == .blob)
        let (log, _) = try repository.log(from: newMain, offset: 0, limit: 10)
        #expect(log.count == 3)
        #expect(log.last?.id == root)  // the root commit had nothing to remove and is kept as it was

        #expect(try repository.moveRefs(changed, message: "rewrite"))
        let tagged = try #require(try repository.commitID(forRevision: "v1"))
        #expect(tagged != first)
        #expect(try repository.entry(at: "deep/only/w.bin", inCommit: tagged) == nil)
        #expect(try repository.commit(atRef: "refs/heads/side")?.id == root)
    }

    @Test func moveRefsMovesNoneWhenOneMovedFirst() throws {
        let a = try commit([.upsert(path: "a.txt", blobID: try blob("a"))], on: root)
        let b = try commit([.upsert(path: "b.txt", blobID: try blob("b"))], on: root)
        #expect(try repository.moveRef("refs/heads/dev", to: a, expecting: nil, message: "test"))
        let stale: [String: (old: String, new: String)] = ["refs/heads/main": (root, a), "refs/heads/dev": (root, b)]
        #expect(try repository.moveRefs(stale, message: "test") == false)
        #expect(try repository.commit(atRef: "refs/heads/main")?.id == root)
        #expect(try repository.commit(atRef: "refs/heads/dev")?.id == a)
    }

    @Test func squashWritesARootCommitWithTheSameTree() throws {
        let head = try commit([.upsert(path: "a.txt", blobID: try blob("a"))], on: root)
        let squashed = try repository.writeCommit(
            tree: try repository.treeID(ofCommit: head), parents: [], message: "squash", author: author)
        #expect(try repository.treeID(ofCommit: squashed) == repository.treeID(ofCommit: head))
        #expect(try repository.log(from: squashed, offset: 0, limit: 10).entries.map(\.title) == ["squash"])
    }

    @Test func lfsReferencesNameTheFirstRefAndPathThatPointToEachObject() throws {
        let onMain = try pointer("main weights")
        let onBranch = try pointer("branch weights")
        let main = try commit([.upsert(path: "models/a.bin", blobID: onMain.blob)], on: root)
        let branch = try commit([.upsert(path: "b.bin", blobID: onBranch.blob)], on: main)
        #expect(try repository.moveRef("refs/heads/main", to: main, expecting: root, message: "test"))
        #expect(try repository.moveRef("refs/heads/dev", to: branch, expecting: nil, message: "test"))
        let found = try repository.lfsReferences(from: ["refs/heads/main", "refs/heads/dev"])
        #expect(found[onMain.oid] == LFSReference(path: "models/a.bin", ref: "refs/heads/main"))
        #expect(found[onBranch.oid] == LFSReference(path: "b.bin", ref: "refs/heads/dev"))
        #expect(found.count == 2)
    }
}
