import CLibGit2
import HubCore

/// What commits changed: the files (renames detected), and the unified diff.
extension GitRepository {
    /// The files `commit` changed against its first parent (against nothing for a root commit).
    public func changes(in commit: String) throws(GitError) -> [GitFileChange] {
        let parent = try withCommit(commit) { handle throws(GitError) in
            git_commit_parentcount(handle) > 0 ? git_commit_parent_id(handle, 0).map { $0.pointee.hex } : nil
        }
        return try withDiff(from: parent, to: commit) { diff throws(GitError) in try Self.fileChanges(of: diff) }
    }

    /// The files that differ between two commits' trees.
    public func changes(from base: String, to head: String) throws(GitError) -> [GitFileChange] {
        try withDiff(from: base, to: head) { diff throws(GitError) in try Self.fileChanges(of: diff) }
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

    /// The diff of two commits' trees (`base` nil: against the empty tree).
    private func withDiff<Result>(
        from base: String?, to head: String, _ body: (OpaquePointer?) throws(GitError) -> Result
    ) throws(GitError) -> Result {
        try withCommit(head) { headCommit throws(GitError) in
            var headTree: OpaquePointer?
            try LibGit2.check(git_commit_tree(&headTree, headCommit), "read tree")
            defer { git_tree_free(headTree) }
            var baseTree: OpaquePointer?
            if let base {
                try withCommit(base) { baseCommit throws(GitError) in
                    try LibGit2.check(git_commit_tree(&baseTree, baseCommit), "read tree")
                }
            }
            defer { git_tree_free(baseTree) }
            var diff: OpaquePointer?
            try LibGit2.check(git_diff_tree_to_tree(&diff, handle, baseTree, headTree, nil), "diff")
            defer { git_diff_free(diff) }
            return try body(diff)
        }
    }

    private static func fileChanges(of diff: OpaquePointer?) throws(GitError) -> [GitFileChange] {
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
