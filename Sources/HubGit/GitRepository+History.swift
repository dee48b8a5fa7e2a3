import CLibGit2
import Foundation
import HubCore

/// Writing history anew: one commit in place of a branch's history (`super_squash_history`),
/// and every ref's history without some files (`permanently_delete_lfs_files` with
/// `rewriteHistory`). Nothing here moves a ref: the caller moves each with `moveRef`, so a
/// writer that got there first is never overwritten.
extension GitRepository {
    /// The tree of `commit`.
    public func treeID(ofCommit commit: String) throws(GitError) -> String {
        try withCommit(commit) { handle throws(GitError) in git_commit_tree_id(handle).pointee.hex }
    }

    /// Writes a commit of `tree` whose parents are `parents` (none: a root commit).
    public func writeCommit(tree: String, parents: [String], message: String, author: GitSignature) throws(GitError)
        -> String
    {
        var signature: UnsafeMutablePointer<git_signature>?
        try LibGit2.check(
            git_signature_new(&signature, author.name, author.email, git_time_t(author.date.timeIntervalSince1970), 0),
            "signature")
        defer { git_signature_free(signature) }
        return try writeCommit(tree: tree, parents: parents, message: message, author: signature, committer: signature)
    }

    /// The new target of every ref whose history changes when every LFS pointer `removes` answers
    /// true for is taken out of every commit reachable from `refs` (trees left empty go too).
    /// Annotated tags on rewritten commits are written again with their own message and tagger.
    /// Returns `[ref: (old, new)]`, only for refs whose target changed; no ref is moved.
    public func rewriteHistory(
        of refs: [String], removingPointers removes: @escaping (LFSPointer) -> Bool
    ) throws(GitError) -> [String: (old: String, new: String)] {
        var odb: OpaquePointer?
        try LibGit2.check(git_repository_odb(&odb, handle), "open object database")
        defer { git_odb_free(odb) }
        var rewriter = HistoryRewriter(repository: self, odb: odb, removes: removes)
        var changed: [String: (old: String, new: String)] = [:]
        for ref in refs {
            var targetID = git_oid()
            let code = git_reference_name_to_id(&targetID, handle, ref)
            if code == GIT_ENOTFOUND.rawValue { continue }
            try LibGit2.check(code, "read ref \(ref)")
            let old = targetID.hex
            let new = try rewriter.rewriteObject(old)
            if new != old { changed[ref] = (old, new) }
        }
        return changed
    }

    fileprivate func writeCommit(
        tree: String, parents: [String], message: String, author: UnsafePointer<git_signature>?,
        committer: UnsafePointer<git_signature>?
    ) throws(GitError) -> String {
        var treeID = git_oid()
        try LibGit2.check(git_oid_fromstr(&treeID, tree), "parse tree id")
        var treeHandle: OpaquePointer?
        try LibGit2.check(git_tree_lookup(&treeHandle, handle, &treeID), "read tree")
        defer { git_tree_free(treeHandle) }
        var parentHandles: [OpaquePointer?] = []
        defer { parentHandles.forEach { git_commit_free($0) } }
        for parent in parents {
            var parentID = git_oid()
            try LibGit2.check(git_oid_fromstr(&parentID, parent), "parse parent id")
            var parentHandle: OpaquePointer?
            try LibGit2.check(git_commit_lookup(&parentHandle, handle, &parentID), "read parent commit")
            parentHandles.append(parentHandle)
        }
        var commitID = git_oid()
        try LibGit2.check(
            git_commit_create(
                &commitID, handle, nil, author, committer, "UTF-8", message, treeHandle, parentHandles.count,
                &parentHandles),
            "create commit")
        return commitID.hex
    }

    func withCommit<Result>(
        _ id: String, _ body: (OpaquePointer?) throws(GitError) -> Result
    ) throws(GitError) -> Result {
        var commitID = git_oid()
        try LibGit2.check(git_oid_fromstr(&commitID, id), "parse commit id")
        var commit: OpaquePointer?
        try LibGit2.check(git_commit_lookup(&commit, handle, &commitID), "read commit")
        defer { git_commit_free(commit) }
        return try body(commit)
    }
}

/// One pass of `rewriteHistory`: every object is rewritten once, whatever number of refs and
/// commits lead to it.
private struct HistoryRewriter {
    let repository: GitRepository
    let odb: OpaquePointer?
    let removes: (LFSPointer) -> Bool
    /// Old id → new id of every commit and annotated tag walked (the same id when unchanged).
    var objects: [String: String] = [:]
    /// Old id → new id of every tree walked; nil for a tree left empty.
    var trees: [String: String?] = [:]
    /// The commits whose history was walked already: later walks stop at them.
    var walkedTips: [git_oid] = []

    init(repository: GitRepository, odb: OpaquePointer?, removes: @escaping (LFSPointer) -> Bool) {
        self.repository = repository
        self.odb = odb
        self.removes = removes
    }

    var handle: OpaquePointer? { repository.handle }

    /// A ref's target: a commit, or an annotated tag (of a commit or of another tag).
    mutating func rewriteObject(_ id: String) throws(GitError) -> String {
        if let done = objects[id] { return done }
        var objectID = git_oid()
        try LibGit2.check(git_oid_fromstr(&objectID, id), "parse object id")
        var object: OpaquePointer?
        try LibGit2.check(git_object_lookup(&object, handle, &objectID, GIT_OBJECT_ANY), "read object")
        defer { git_object_free(object) }
        switch git_object_type(object) {
        case GIT_OBJECT_COMMIT: return try rewriteCommits(from: objectID)
        case GIT_OBJECT_TAG: return try rewriteTag(object, id: id)
        default: return id
        }
    }

    /// The commits reachable from `tip`, parents before children (no recursion: histories are
    /// deep), each written again with its parents and tree rewritten.
    mutating func rewriteCommits(from tip: git_oid) throws(GitError) -> String {
        var walk: OpaquePointer?
        try LibGit2.check(git_revwalk_new(&walk, handle), "start history walk")
        defer { git_revwalk_free(walk) }
        try LibGit2.check(
            git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_REVERSE.rawValue), "sort history")
        var start = tip
        try LibGit2.check(git_revwalk_push(walk, &start), "walk history")
        for var walked in walkedTips { _ = git_revwalk_hide(walk, &walked) }
        walkedTips.append(tip)
        var next = git_oid()
        while true {
            let code = git_revwalk_next(&next, walk)
            if code == GIT_ITEROVER.rawValue { break }
            try LibGit2.check(code, "walk history")
            let id = next.hex
            if objects[id] != nil { continue }
            var commit: OpaquePointer?
            try LibGit2.check(git_commit_lookup(&commit, handle, &next), "read commit")
            defer { git_commit_free(commit) }
            let oldTree = git_commit_tree_id(commit).pointee.hex
            let newTree: String
            if let kept = try rewriteTree(oldTree) { newTree = kept } else { newTree = try emptyTree() }
            let oldParents = (0..<git_commit_parentcount(commit)).map { git_commit_parent_id(commit, $0).pointee.hex }
            let parents = oldParents.map { objects[$0] ?? $0 }
            guard newTree != oldTree || parents != oldParents else {
                objects[id] = id
                continue
            }
            objects[id] = try repository.writeCommit(
                tree: newTree, parents: parents, message: String(cString: git_commit_message_raw(commit)),
                author: git_commit_author(commit), committer: git_commit_committer(commit))
        }
        return objects[tip.hex] ?? tip.hex
    }

    mutating func rewriteTag(_ tag: OpaquePointer?, id: String) throws(GitError) -> String {
        let target = git_tag_target_id(tag).pointee.hex
        let newTarget = try rewriteObject(target)
        guard newTarget != target else {
            objects[id] = id
            return id
        }
        var newTargetID = git_oid()
        try LibGit2.check(git_oid_fromstr(&newTargetID, newTarget), "parse tag target")
        var targetObject: OpaquePointer?
        try LibGit2.check(git_object_lookup(&targetObject, handle, &newTargetID, GIT_OBJECT_ANY), "read tag target")
        defer { git_object_free(targetObject) }
        var newID = git_oid()
        let message = git_tag_message(tag).map { String(cString: $0) } ?? ""
        try LibGit2.check(
            git_tag_annotation_create(&newID, handle, git_tag_name(tag), targetObject, git_tag_tagger(tag), message),
            "write tag")
        objects[id] = newID.hex
        return newID.hex
    }

    /// The tree without the removed pointers; nil when nothing is left in it.
    mutating func rewriteTree(_ id: String) throws(GitError) -> String? {
        if let done = trees[id] { return done }
        var treeID = git_oid()
        try LibGit2.check(git_oid_fromstr(&treeID, id), "parse tree id")
        var tree: OpaquePointer?
        try LibGit2.check(git_tree_lookup(&tree, handle, &treeID), "read tree")
        defer { git_tree_free(tree) }
        var builder: OpaquePointer?
        try LibGit2.check(git_treebuilder_new(&builder, handle, tree), "start tree")
        defer { git_treebuilder_free(builder) }
        var changed = false
        for index in 0..<git_tree_entrycount(tree) {
            let entry = git_tree_entry_byindex(tree, index)
            let name = String(cString: git_tree_entry_name(entry))
            var entryID = git_tree_entry_id(entry).pointee
            switch git_tree_entry_type(entry) {
            case GIT_OBJECT_TREE:
                let newID = try rewriteTree(entryID.hex)
                if newID == entryID.hex { continue }
                changed = true
                if let newID {
                    var newOID = git_oid()
                    try LibGit2.check(git_oid_fromstr(&newOID, newID), "parse tree id")
                    try LibGit2.check(
                        git_treebuilder_insert(nil, builder, name, &newOID, git_tree_entry_filemode(entry)), "write tree")
                } else {
                    try LibGit2.check(git_treebuilder_remove(builder, name), "write tree")
                }
            case GIT_OBJECT_BLOB:
                if let pointer = try repository.sizeAndPointer(ofBlob: &entryID, odb: odb).pointer, removes(pointer) {
                    changed = true
                    try LibGit2.check(git_treebuilder_remove(builder, name), "write tree")
                }
            default:
                continue
            }
        }
        guard changed else {
            trees[id] = .some(id)
            return id
        }
        guard git_treebuilder_entrycount(builder) > 0 else {
            trees[id] = .some(nil)
            return nil
        }
        var newID = git_oid()
        try LibGit2.check(git_treebuilder_write(&newID, builder), "write tree")
        trees[id] = .some(newID.hex)
        return newID.hex
    }

    func emptyTree() throws(GitError) -> String {
        var builder: OpaquePointer?
        try LibGit2.check(git_treebuilder_new(&builder, handle, nil), "start tree")
        defer { git_treebuilder_free(builder) }
        var newID = git_oid()
        try LibGit2.check(git_treebuilder_write(&newID, builder), "write tree")
        return newID.hex
    }
}

extension GitRepository {
    /// Moves every ref in `updates` from its `old` target to its `new` one, all or none: each ref
    /// is locked first, and nothing is written unless every one still points at `old`. Returns
    /// false when another writer moved one of them first.
    public func moveRefs(_ updates: [String: (old: String, new: String)], message: String) throws(GitError) -> Bool {
        guard !updates.isEmpty else { return true }
        var transaction: OpaquePointer?
        try LibGit2.check(git_transaction_new(&transaction, handle), "start ref transaction")
        defer { git_transaction_free(transaction) }
        for ref in updates.keys.sorted() {
            let code = git_transaction_lock_ref(transaction, ref)
            if code == GIT_ELOCKED.rawValue { return false }
            try LibGit2.check(code, "lock \(ref)")
        }
        for (ref, update) in updates.sorted(by: { $0.key < $1.key }) {
            var current = git_oid()
            let code = git_reference_name_to_id(&current, handle, ref)
            if code == GIT_ENOTFOUND.rawValue { return false }
            try LibGit2.check(code, "read \(ref)")
            guard current.hex == update.old else { return false }
            var newID = git_oid()
            try LibGit2.check(git_oid_fromstr(&newID, update.new), "parse new id")
            try LibGit2.check(git_transaction_set_target(transaction, ref, &newID, nil, message), "update \(ref)")
        }
        try LibGit2.check(git_transaction_commit(transaction), "write refs")
        return true
    }
}
