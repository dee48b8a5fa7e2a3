import CLibGit2
import Foundation
import HubCore

/// Pull requests: what a pull request changed against its base, and merging it (libgit2's
/// three-way merge, `git_merge_commits`, the same rules as `git merge`).
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

    /// The files that differ between two commits' trees (renames detected).
    public func changes(from base: String, to head: String) throws(GitError) -> [GitFileChange] {
        try withDiff(from: base, to: head) { diff throws(GitError) in
            var findOptions = git_diff_find_options()
            try LibGit2.check(git_diff_find_options_init(&findOptions, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)), "diff options")
            findOptions.flags = GIT_DIFF_FIND_RENAMES.rawValue
            try LibGit2.check(git_diff_find_similar(diff, &findOptions), "find renames")
            var changes: [GitFileChange] = []
            for index in 0..<git_diff_num_deltas(diff) {
                guard let delta = git_diff_get_delta(diff, index)?.pointee else { continue }
                let status: GitFileChange.Status
                switch delta.status {
                case GIT_DELTA_ADDED: status = .added
                case GIT_DELTA_DELETED: status = .deleted
                case GIT_DELTA_RENAMED: status = .renamed
                default: status = .modified
                }
                let path = String(cString: (status == .deleted ? delta.old_file : delta.new_file).path)
                changes.append(GitFileChange(path: path, status: status))
            }
            return changes
        }
    }

    /// The unified diff (`git diff base head`) of two commits, cut after `maxBytes` (the second
    /// value says whether it was).
    public func patch(from base: String, to head: String, maxBytes: Int) throws(GitError) -> (text: String, truncated: Bool) {
        try withDiff(from: base, to: head) { diff throws(GitError) in
            let collector = PatchCollector(limit: maxBytes)
            let payload = Unmanaged.passUnretained(collector).toOpaque()
            let code = withExtendedLifetime(collector) {
                git_diff_print(diff, GIT_DIFF_FORMAT_PATCH, { _, _, line, payload in
                    guard let line, let payload else { return 0 }
                    return Unmanaged<PatchCollector>.fromOpaque(payload).takeUnretainedValue().append(line.pointee)
                }, payload)
            }
            if code != 0 && !collector.truncated { try LibGit2.check(code, "print diff") }
            return (String(decoding: collector.bytes, as: UTF8.self), collector.truncated)
        }
    }

    private func withDiff<Result>(
        from base: String, to head: String, _ body: (OpaquePointer?) throws(GitError) -> Result
    ) throws(GitError) -> Result {
        try withCommit(base) { baseCommit throws(GitError) in
            try withCommit(head) { headCommit throws(GitError) in
                var baseTree: OpaquePointer?
                try LibGit2.check(git_commit_tree(&baseTree, baseCommit), "read tree")
                defer { git_tree_free(baseTree) }
                var headTree: OpaquePointer?
                try LibGit2.check(git_commit_tree(&headTree, headCommit), "read tree")
                defer { git_tree_free(headTree) }
                var diff: OpaquePointer?
                try LibGit2.check(git_diff_tree_to_tree(&diff, handle, baseTree, headTree, nil), "diff")
                defer { git_diff_free(diff) }
                return try body(diff)
            }
        }
    }
}

/// The lines of a patch as libgit2 prints them, up to a size.
private final class PatchCollector {
    let limit: Int
    var bytes: [UInt8] = []
    var truncated = false

    init(limit: Int) {
        self.limit = limit
    }

    /// Adds one line (with its `+`, `-` or space for content lines); non-zero stops the print.
    func append(_ line: git_diff_line) -> Int32 {
        let origin = UInt8(bitPattern: line.origin)
        let prefixed = [UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: " ")].contains(origin)
        let count = Int(line.content_len) + (prefixed ? 1 : 0)
        guard bytes.count + count <= limit else {
            truncated = true
            return -1
        }
        if prefixed { bytes.append(origin) }
        if let content = line.content {
            content.withMemoryRebound(to: UInt8.self, capacity: Int(line.content_len)) {
                bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: Int(line.content_len)))
            }
        }
        return 0
    }
}
