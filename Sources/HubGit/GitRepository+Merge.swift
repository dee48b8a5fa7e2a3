import CLibGit2
import Foundation
import HubCore

/// Pull requests: where a pull request parted from its base, its commits, and merging it
/// (libgit2's three-way merge, `git_merge_commits`, the same rules as `git merge`). What it
/// changed is in `GitRepository+Diff.swift`.
extension GitRepository {
    /// Whether `ancestor` is `descendant` or in its history.
    public func isAncestor(_ ancestor: String, of descendant: String) throws(GitError) -> Bool {
        guard ancestor != descendant else { return true }
        var ancestorID = git_oid()
        var descendantID = git_oid()
        try LibGit2.check(git_oid_fromstr(&ancestorID, ancestor), "parse commit id")
        try LibGit2.check(git_oid_fromstr(&descendantID, descendant), "parse commit id")
        let result = git_graph_descendant_of(handle, &descendantID, &ancestorID)
        try LibGit2.check(min(result, 0), "compare histories")
        return result == 1
    }

    /// The newest commit both histories share; nil when they share none.
    public func mergeBase(_ one: String, _ two: String) throws(GitError) -> String? {
        var oneID = git_oid()
        var twoID = git_oid()
        try LibGit2.check(git_oid_fromstr(&oneID, one), "parse commit id")
        try LibGit2.check(git_oid_fromstr(&twoID, two), "parse commit id")
        var base = git_oid()
        let code = git_merge_base(&base, handle, &oneID, &twoID)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try LibGit2.check(code, "find merge base")
        return base.hex
    }

    /// Merges `theirs` into `ours` without moving anything: the merged tree is written (its
    /// objects only), the caller makes the commit and moves the branch.
    public func merge(_ theirs: String, into ours: String) throws(GitError) -> GitMergeOutcome {
        if try isAncestor(theirs, of: ours) { return .upToDate }
        if try isAncestor(ours, of: theirs) { return .fastForward }
        return try withMergedIndex(theirs, into: ours) { index throws(GitError) in
            if git_index_has_conflicts(index) != 0 { return .conflicts(try Self.conflictingPaths(in: index)) }
            var tree = git_oid()
            try LibGit2.check(git_index_write_tree_to(&tree, index, handle), "write merged tree")
            return .merged(tree: tree.hex)
        }
    }

    /// The paths that would conflict on merging `theirs` into `ours`; no object is written, so
    /// asking leaves the repository as it was.
    public func conflicts(merging theirs: String, into ours: String) throws(GitError) -> [String] {
        if try isAncestor(theirs, of: ours) { return [] }
        if try isAncestor(ours, of: theirs) { return [] }
        return try withMergedIndex(theirs, into: ours) { index throws(GitError) in
            git_index_has_conflicts(index) != 0 ? try Self.conflictingPaths(in: index) : []
        }
    }

    /// libgit2's three-way merge of two commits, in memory (`git_merge_commits`).
    private func withMergedIndex<Result>(
        _ theirs: String, into ours: String, _ body: (OpaquePointer?) throws(GitError) -> Result
    ) throws(GitError) -> Result {
        try mergeGitattributesByUnion()
        return try withCommit(ours) { ourCommit throws(GitError) in
            try withCommit(theirs) { theirCommit throws(GitError) in
                var options = git_merge_options()
                try LibGit2.check(git_merge_options_init(&options, UInt32(GIT_MERGE_OPTIONS_VERSION)), "merge options")
                var index: OpaquePointer?
                try LibGit2.check(git_merge_commits(&index, handle, ourCommit, theirCommit, &options), "merge")
                defer { git_index_free(index) }
                return try body(index)
            }
        }
    }

    /// The hub appends a line to `.gitattributes` for each LFS file no pattern covers, so a pull
    /// request and its base branch often both add lines there: they are kept together (git's
    /// built-in `union` merge driver, which libgit2 applies from the repository's
    /// `info/attributes`, gitattributes(5)) instead of conflicting. Written once per repository.
    func mergeGitattributesByUnion() throws(GitError) {
        guard let path = git_repository_path(handle) else { return }
        let info = URL(fileURLWithPath: String(cString: path)).appendingPathComponent("info")
        let attributes = info.appendingPathComponent("attributes")
        let line = "/.gitattributes merge=union"
        let existing = (try? String(contentsOf: attributes, encoding: .utf8)) ?? ""
        guard !existing.split(separator: "\n").contains(where: { $0 == line }) else { return }
        let text = existing + (existing.isEmpty || existing.hasSuffix("\n") ? "" : "\n") + line + "\n"
        do {
            try DurableFiles.write(Array(text.utf8), to: attributes, temporaryDirectory: info)
        } catch {
            throw GitError(code: -1, operation: "write \(attributes.path)", detail: "\(error)")
        }
    }

    private static func conflictingPaths(in index: OpaquePointer?) throws(GitError) -> [String] {
        var iterator: OpaquePointer?
        try LibGit2.check(git_index_conflict_iterator_new(&iterator, index), "list conflicts")
        defer { git_index_conflict_iterator_free(iterator) }
        var paths: [String] = []
        var ancestor: UnsafePointer<git_index_entry>?
        var ours: UnsafePointer<git_index_entry>?
        var theirs: UnsafePointer<git_index_entry>?
        while git_index_conflict_next(&ancestor, &ours, &theirs, iterator) == 0 {
            if let entry = ours ?? theirs ?? ancestor, let path = entry.pointee.path {
                paths.append(String(cString: path))
            }
        }
        return Array(Set(paths)).sorted()
    }

    /// The commits in `head`'s history that are not in `base`'s (all of it without a base),
    /// oldest first, at most `limit` (the newest ones).
    public func commits(from head: String, notIn base: String?, limit: Int) throws(GitError) -> [GitLogEntry] {
        var walk: OpaquePointer?
        try LibGit2.check(git_revwalk_new(&walk, handle), "start history walk")
        defer { git_revwalk_free(walk) }
        try LibGit2.check(git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue), "sort history")
        var headID = git_oid()
        try LibGit2.check(git_oid_fromstr(&headID, head), "parse commit id")
        try LibGit2.check(git_revwalk_push(walk, &headID), "walk from commit")
        if let base {
            var baseID = git_oid()
            try LibGit2.check(git_oid_fromstr(&baseID, base), "parse commit id")
            // A base that is gone (a force-pushed pull request's old head after gc) hides nothing.
            let code = git_revwalk_hide(walk, &baseID)
            if code != 0 && code != GIT_ENOTFOUND.rawValue { try LibGit2.check(code, "hide history") }
        }
        var ids: [String] = []
        var id = git_oid()
        while ids.count < limit, git_revwalk_next(&id, walk) == 0 {
            ids.append(id.hex)
        }
        return try ids.reversed().map { id throws(GitError) in
            try log(from: id, offset: 0, limit: 1).entries.first
                ?? GitLogEntry(id: id, title: "", message: "", date: Date(timeIntervalSince1970: 0), authorName: "")
        }
    }
}
