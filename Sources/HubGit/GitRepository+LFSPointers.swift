import CLibGit2
import HubCore

/// Where an LFS object is referenced from: a path and the ref it was first found under.
public struct LFSReference: Sendable, Equatable {
    public let path: String
    public let ref: String

    public init(path: String, ref: String) {
        self.path = path
        self.ref = ref
    }
}

extension GitRepository {
    /// Every LFS object that a commit reachable from `refs` points to, with the first path and
    /// ref it is found under (refs are searched in the order given, each commit and tree once,
    /// as `git rev-list --objects` walks them). Only blobs small enough to be a pointer are read.
    public func lfsReferences(from refs: [String]) throws(GitError) -> [LFSObjectID: LFSReference] {
        var found: [LFSObjectID: LFSReference] = [:]
        var seenTrees: Set<String> = []
        var seenBlobs: Set<String> = []
        var walkedTips: [git_oid] = []
        var odb: OpaquePointer?
        try LibGit2.check(git_repository_odb(&odb, handle), "open object database")
        defer { git_odb_free(odb) }
        var walk: OpaquePointer?
        try LibGit2.check(git_revwalk_new(&walk, handle), "start history walk")
        defer { git_revwalk_free(walk) }
        for ref in refs {
            var tip = git_oid()
            let code = git_reference_name_to_id(&tip, handle, ref)
            if code == GIT_ENOTFOUND.rawValue { continue }
            try LibGit2.check(code, "read ref \(ref)")
            git_revwalk_reset(walk)
            var peeled: OpaquePointer?
            guard git_reference_lookup(&peeled, handle, ref) == 0 else { continue }
            var commitObject: OpaquePointer?
            let peelCode = git_reference_peel(&commitObject, peeled, GIT_OBJECT_COMMIT)
            git_reference_free(peeled)
            guard peelCode == 0 else { continue }
            var commitID = git_object_id(commitObject).pointee
            git_object_free(commitObject)
            try LibGit2.check(git_revwalk_push(walk, &commitID), "walk history")
            // The history of earlier refs was walked already (`git_revwalk_reset` forgets it).
            for var walked in walkedTips { _ = git_revwalk_hide(walk, &walked) }
            walkedTips.append(commitID)
            var next = git_oid()
            while true {
                let step = git_revwalk_next(&next, walk)
                if step == GIT_ITEROVER.rawValue { break }
                try LibGit2.check(step, "walk history")
                var commit: OpaquePointer?
                try LibGit2.check(git_commit_lookup(&commit, handle, &next), "read commit")
                var treeID = git_commit_tree_id(commit).pointee
                git_commit_free(commit)
                try collectPointers(
                    tree: &treeID, prefix: "", ref: ref, odb: odb, seenTrees: &seenTrees, seenBlobs: &seenBlobs,
                    found: &found)
            }
        }
        return found
    }

    private func collectPointers(
        tree treeID: inout git_oid, prefix: String, ref: String, odb: OpaquePointer?, seenTrees: inout Set<String>,
        seenBlobs: inout Set<String>, found: inout [LFSObjectID: LFSReference]
    ) throws(GitError) {
        guard seenTrees.insert(treeID.hex).inserted else { return }
        var tree: OpaquePointer?
        try LibGit2.check(git_tree_lookup(&tree, handle, &treeID), "read tree")
        defer { git_tree_free(tree) }
        for index in 0..<git_tree_entrycount(tree) {
            let entry = git_tree_entry_byindex(tree, index)
            let path = prefix + String(cString: git_tree_entry_name(entry))
            var entryID = git_tree_entry_id(entry).pointee
            switch git_tree_entry_type(entry) {
            case GIT_OBJECT_TREE:
                try collectPointers(
                    tree: &entryID, prefix: path + "/", ref: ref, odb: odb, seenTrees: &seenTrees,
                    seenBlobs: &seenBlobs, found: &found)
            case GIT_OBJECT_BLOB:
                guard seenBlobs.insert(entryID.hex).inserted,
                    let pointer = try sizeAndPointer(ofBlob: &entryID, odb: odb).pointer
                else { continue }
                if found[pointer.oid] == nil { found[pointer.oid] = LFSReference(path: path, ref: ref) }
            default:
                continue
            }
        }
    }
}
