import Foundation
import HubCore
import HubGit
import HubTesting
import Testing

/// Merging a pull request's commits into a branch: a fast-forward, a three-way merge of files
/// changed on different sides, and the paths both sides changed differently; what a pull request
/// changed since it parted from its base, as a list and as a patch.
@Suite struct MergeTests {
    let git: GitTestRepository

    init() throws {
        git = try GitTestRepository()
    }

    func objectCount() throws -> Int {
        let objects = git.location.appendingPathComponent("objects")
        return try FileManager.default.subpathsOfDirectory(atPath: objects.path).filter { $0.count == 41 }.count
    }

    @Test func aBranchThatDidNotMoveIsFastForwarded() throws {
        let proposal = try git.commit([.upsert(path: "a.txt", blobID: try git.blob("a\n"))], on: git.root)
        #expect(try git.repository.merge(proposal, into: git.root) == .fastForward)
        #expect(try git.repository.merge(git.root, into: proposal) == .upToDate)
        #expect(try git.repository.isAncestor(git.root, of: proposal) && !git.repository.isAncestor(proposal, of: git.root))
    }

    @Test func changesToDifferentFilesMergeIntoOneTree() throws {
        let base = try git.commit([.upsert(path: "config.json", blobID: try git.blob("{\n\"a\": 1\n}\n"))], on: git.root)
        let main = try git.commit([.upsert(path: "main.txt", blobID: try git.blob("main\n"))], on: base)
        let proposal = try git.commit([.upsert(path: "pr.txt", blobID: try git.blob("pr\n"))], on: base)
        #expect(try git.repository.mergeBase(main, proposal) == base)
        guard case .merged(let tree) = try git.repository.merge(proposal, into: main) else {
            Issue.record("expected a merged tree")
            return
        }
        let merged = try git.repository.writeCommit(tree: tree, parents: [main, proposal], message: "merge", author: git.author)
        #expect(try git.repository.text(at: "main.txt", inCommit: merged) == "main\n")
        #expect(try git.repository.text(at: "pr.txt", inCommit: merged) == "pr\n")
        #expect(try git.repository.changes(from: base, to: proposal) == [GitFileChange(path: "pr.txt", status: .added)])
        let patch = try git.repository.patch(from: base, to: proposal, maxBytes: 1 << 20)
        #expect(!patch.truncated && patch.text.contains("+++ b/pr.txt") && patch.text.contains("\n+pr\n"))
        #expect(try git.repository.patch(from: base, to: proposal, maxBytes: 10).truncated)
        #expect(try git.repository.commits(from: merged, notIn: main, limit: 10).map(\.id) == [proposal, merged])
    }

    @Test func theSameLineChangedOnBothSidesIsAConflictAndAskingWritesNothing() throws {
        let base = try git.commit([.upsert(path: "config.json", blobID: try git.blob("{\"layers\": 2}\n"))], on: git.root)
        let main = try git.commit([.upsert(path: "config.json", blobID: try git.blob("{\"layers\": 6}\n"))], on: base)
        let proposal = try git.commit([.upsert(path: "config.json", blobID: try git.blob("{\"layers\": 24}\n"))], on: base)
        let before = try objectCount()
        #expect(try git.repository.conflicts(merging: proposal, into: main) == ["config.json"])
        #expect(try objectCount() == before)
        #expect(try git.repository.merge(proposal, into: main) == .conflicts(["config.json"]))
    }
}

extension MergeTests {
    @Test func linesAddedToGitattributesOnBothSidesAreKeptTogether() throws {
        let base = try git.commit([.upsert(path: ".gitattributes", blobID: try git.blob("*.bin filter=lfs\n"))], on: git.root)
        let main = try git.commit([.upsert(path: ".gitattributes", blobID: try git.blob("*.bin filter=lfs\na.pt2 filter=lfs\n"))], on: base)
        let proposal = try git.commit(
            [.upsert(path: ".gitattributes", blobID: try git.blob("*.bin filter=lfs\nb.gguf filter=lfs\n"))], on: base)
        guard case .merged(let tree) = try git.repository.merge(proposal, into: main) else {
            Issue.record("expected a merged tree: \(try git.repository.merge(proposal, into: main))")
            return
        }
        let merged = try git.repository.writeCommit(tree: tree, parents: [main, proposal], message: "merge", author: git.author)
        #expect(try git.repository.text(at: ".gitattributes", inCommit: merged) == "*.bin filter=lfs\na.pt2 filter=lfs\nb.gguf filter=lfs\n")
    }
}
