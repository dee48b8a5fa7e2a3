import Foundation
import HubCore
import HubGit
import HubTesting
import Testing

/// `rewriteHistory`, `moveRefs`, `writeCommit` and `lfsReferences`: the git side of
/// `super_squash_history`, `list_lfs_files` and `permanently_delete_lfs_files`.
@Suite struct HistoryRewriteTests {
    let git: GitTestRepository

    init() throws {
        git = try GitTestRepository()
    }

    func pointer(_ content: String) throws -> (blob: String, oid: LFSObjectID) {
        // Any 64 hex digits name an object: the bytes themselves are never read here.
        let hex = content.utf8.map { String($0, radix: 16) }.joined()
        let oid = try LFSObjectID(String((hex + String(repeating: "0", count: 64)).prefix(64)))
        let text = "version https://git-lfs.github.com/spec/v1\noid sha256:\(oid.hex)\nsize \(content.utf8.count)\n"
        return (try git.blob(text), oid)
    }

    @Test func rewriteDropsThePointersAndFoldersLeftEmptyAndKeepsTheRest() throws {
        let weights = try pointer("weights")
        let other = try pointer("other")
        let first = try git.commit(
            [.upsert(path: "deep/only/w.bin", blobID: weights.blob), .upsert(path: "keep.txt", blobID: try git.blob("k"))],
            on: git.root)
        let second = try git.commit([.upsert(path: "o.bin", blobID: other.blob)], on: first)
        #expect(try git.repository.moveRef("refs/heads/main", to: second, expecting: git.root, message: "test"))
        #expect(try git.repository.moveRef("refs/heads/side", to: git.root, expecting: nil, message: "test"))
        #expect(try git.repository.createTag("v1", on: first, message: "release", tagger: git.author))

        let changed = try git.repository.rewriteHistory(of: ["refs/heads/main", "refs/heads/side", "refs/tags/v1"]) {
            $0.oid == weights.oid
        }
        #expect(Set(changed.keys) == ["refs/heads/main", "refs/tags/v1"])
        let newMain = try #require(changed["refs/heads/main"]).new
        #expect(try git.repository.entry(at: "deep", inCommit: newMain) == nil)
        #expect(try git.repository.entry(at: "o.bin", inCommit: newMain)?.kind == .blob)
        #expect(try git.repository.entry(at: "keep.txt", inCommit: newMain)?.kind == .blob)
        let (log, _) = try git.repository.log(from: newMain, offset: 0, limit: 10)
        #expect(log.count == 3)
        #expect(log.last?.id == git.root)  // the git.root commit had nothing to remove and is kept as it was

        #expect(try git.repository.moveRefs(changed, message: "rewrite"))
        let tagged = try #require(try git.repository.commitID(forRevision: "v1"))
        #expect(tagged != first)
        #expect(try git.repository.entry(at: "deep/only/w.bin", inCommit: tagged) == nil)
        #expect(try git.repository.commit(atRef: "refs/heads/side")?.id == git.root)
    }

    @Test func moveRefsMovesNoneWhenOneMovedFirst() throws {
        let a = try git.commit([.upsert(path: "a.txt", blobID: try git.blob("a"))], on: git.root)
        let b = try git.commit([.upsert(path: "b.txt", blobID: try git.blob("b"))], on: git.root)
        #expect(try git.repository.moveRef("refs/heads/dev", to: a, expecting: nil, message: "test"))
        let stale: [String: (old: String, new: String)] = ["refs/heads/main": (git.root, a), "refs/heads/dev": (git.root, b)]
        #expect(try git.repository.moveRefs(stale, message: "test") == false)
        #expect(try git.repository.commit(atRef: "refs/heads/main")?.id == git.root)
        #expect(try git.repository.commit(atRef: "refs/heads/dev")?.id == a)
    }

    @Test func squashWritesARootCommitWithTheSameTree() throws {
        let head = try git.commit([.upsert(path: "a.txt", blobID: try git.blob("a"))], on: git.root)
        let squashed = try git.repository.writeCommit(
            tree: try git.repository.treeID(ofCommit: head), parents: [], message: "squash", author: git.author)
        #expect(try git.repository.treeID(ofCommit: squashed) == git.repository.treeID(ofCommit: head))
        #expect(try git.repository.log(from: squashed, offset: 0, limit: 10).entries.map(\.title) == ["squash"])
    }

    @Test func lfsReferencesNameTheFirstRefAndPathThatPointToEachObject() throws {
        let onMain = try pointer("main weights")
        let onBranch = try pointer("branch weights")
        let main = try git.commit([.upsert(path: "models/a.bin", blobID: onMain.blob)], on: git.root)
        let branch = try git.commit([.upsert(path: "b.bin", blobID: onBranch.blob)], on: main)
        #expect(try git.repository.moveRef("refs/heads/main", to: main, expecting: git.root, message: "test"))
        #expect(try git.repository.moveRef("refs/heads/dev", to: branch, expecting: nil, message: "test"))
        let found = try git.repository.lfsReferences(from: ["refs/heads/main", "refs/heads/dev"])
        #expect(found[onMain.oid] == LFSReference(path: "models/a.bin", ref: "refs/heads/main"))
        #expect(found[onBranch.oid] == LFSReference(path: "b.bin", ref: "refs/heads/dev"))
        #expect(found.count == 2)
    }
}
