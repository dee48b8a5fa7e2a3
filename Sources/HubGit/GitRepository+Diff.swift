import CLibGit2
import HubCore

extension GitRepository {
    /// The files `commit` changed against its first parent (against nothing for a root commit),
    /// with renames detected.
    public func changes(in commit: String) throws(GitError) -> [GitFileChange] {
        var commitID = git_oid()
        try LibGit2.check(git_oid_fromstr(&commitID, commit), "parse commit id")
        var commitObject: OpaquePointer?
        try LibGit2.check(git_commit_lookup(&commitObject, handle, &commitID), "read commit")
        defer { git_commit_free(commitObject) }
        var tree: OpaquePointer?
        try LibGit2.check(git_commit_tree(&tree, commitObject), "read tree")
        defer { git_tree_free(tree) }
        var parentTree: OpaquePointer?
        if git_commit_parentcount(commitObject) > 0 {
            var parent: OpaquePointer?
            try LibGit2.check(git_commit_parent(&parent, commitObject, 0), "read parent")
            defer { git_commit_free(parent) }
            try LibGit2.check(git_commit_tree(&parentTree, parent), "read parent tree")
        }
        defer { git_tree_free(parentTree) }
        var diff: OpaquePointer?
        try LibGit2.check(git_diff_tree_to_tree(&diff, handle, parentTree, tree, nil), "diff")
        defer { git_diff_free(diff) }
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
