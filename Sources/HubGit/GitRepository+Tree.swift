import CLibGit2
import HubCore

/// One entry of a tree listing.
public struct GitListedEntry: Sendable, Equatable {
    public let path: String
    public let isDirectory: Bool
    /// Blob SHA-1 for files, tree SHA-1 for directories.
    public let id: String
    /// The blob's size (0 for directories).
    public let size: Int64
    /// The pointer, when the blob is a Git LFS pointer.
    public let pointer: LFSPointer?
}

extension GitRepository {
    /// The entries under `path` (the root when empty) in `commit`: direct children, or with
    /// `recursive` every descendant, directories included, in git's tree order.
    /// Returns nil when `path` is not a directory of that commit.
    public func listTree(commit: String, path: String, recursive: Bool) throws(GitError) -> [GitListedEntry]? {
        var commitID = git_oid()
        guard git_oid_fromstr(&commitID, commit) == 0 else { return nil }
        var commitObject: OpaquePointer?
        try LibGit2.check(git_commit_lookup(&commitObject, handle, &commitID), "read commit")
        defer { git_commit_free(commitObject) }
        var root: OpaquePointer?
        try LibGit2.check(git_commit_tree(&root, commitObject), "read tree")
        defer { git_tree_free(root) }

        var odb: OpaquePointer?
        try LibGit2.check(git_repository_odb(&odb, handle), "open object database")
        defer { git_odb_free(odb) }

        if path.isEmpty {
            var entries: [GitListedEntry] = []
            try list(tree: root, prefix: "", recursive: recursive, odb: odb, into: &entries)
            return entries
        }
        guard let entry = try entry(at: path, inCommit: commit), entry.kind == .tree else { return nil }
        var treeID = git_oid()
        try LibGit2.check(git_oid_fromstr(&treeID, entry.id), "parse tree id")
        var tree: OpaquePointer?
        try LibGit2.check(git_tree_lookup(&tree, handle, &treeID), "read subtree")
        defer { git_tree_free(tree) }
        var entries: [GitListedEntry] = []
        try list(tree: tree, prefix: path + "/", recursive: recursive, odb: odb, into: &entries)
        return entries
    }

    /// The listing entry of one path (file or directory) of `commit`, or nil when it does not exist.
    public func describe(path: String, inCommit commit: String) throws(GitError) -> GitListedEntry? {
        guard let entry = try entry(at: path, inCommit: commit) else { return nil }
        switch entry.kind {
        case .tree:
            return GitListedEntry(path: path, isDirectory: true, id: entry.id, size: 0, pointer: nil)
        case .submodule:
            return nil
        case .blob:
            var odb: OpaquePointer?
            try LibGit2.check(git_repository_odb(&odb, handle), "open object database")
            defer { git_odb_free(odb) }
            var id = git_oid()
            try LibGit2.check(git_oid_fromstr(&id, entry.id), "parse blob id")
            let (size, pointer) = try sizeAndPointer(ofBlob: &id, odb: odb)
            return GitListedEntry(path: path, isDirectory: false, id: entry.id, size: Int64(size), pointer: pointer)
        }
    }

    private func list(
        tree: OpaquePointer?, prefix: String, recursive: Bool, odb: OpaquePointer?, into entries: inout [GitListedEntry]
    ) throws(GitError) {
        let count = git_tree_entrycount(tree)
        for index in 0..<count {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            let name = String(cString: git_tree_entry_name(entry))
            let path = prefix + name
            var id = git_tree_entry_id(entry).pointee
            switch git_tree_entry_type(entry) {
            case GIT_OBJECT_TREE:
                entries.append(GitListedEntry(path: path, isDirectory: true, id: id.hex, size: 0, pointer: nil))
                if recursive {
                    var subtree: OpaquePointer?
                    try LibGit2.check(git_tree_lookup(&subtree, handle, &id), "read subtree")
                    defer { git_tree_free(subtree) }
                    try list(tree: subtree, prefix: path + "/", recursive: true, odb: odb, into: &entries)
                }
            case GIT_OBJECT_BLOB:
                let (size, pointer) = try sizeAndPointer(ofBlob: &id, odb: odb)
                entries.append(GitListedEntry(path: path, isDirectory: false, id: id.hex, size: Int64(size), pointer: pointer))
            default:
                continue  // submodules are not files of the repository
            }
        }
    }
}
