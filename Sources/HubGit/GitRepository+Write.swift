import CLibGit2
import Foundation
import HubCore

/// One change of a commit made through the API.
public enum GitTreeChange: Sendable, Equatable {
    /// Adds or replaces the file at `path` with an already written blob.
    case upsert(path: String, blobID: String)
    /// Removes the file or directory at `path`.
    case remove(path: String)

    public var path: String {
        switch self {
        case .upsert(let path, _), .remove(let path): path
        }
    }
}

/// Writing objects and moving refs (the HTTP commit API; pushes go through git itself).
extension GitRepository {
    /// Writes `bytes` as a blob and returns its id. Objects are written before any ref moves.
    public func writeBlob(_ bytes: UnsafeRawBufferPointer) throws(GitError) -> String {
        var id = git_oid()
        try LibGit2.check(git_blob_create_from_buffer(&id, handle, bytes.baseAddress, bytes.count), "write blob")
        return id.hex
    }

    /// Writes a commit whose tree is `parent`'s with `changes` applied. The ref is not moved:
    /// see `moveRef`. Returns nil when a change conflicts with the tree (a file where a
    /// directory is, or the reverse).
    public func createCommit(
        parent: String, changes: [GitTreeChange], message: String, author: GitSignature
    ) throws(GitError) -> (commit: String, tree: String, parentTree: String)? {
        var parentID = git_oid()
        try LibGit2.check(git_oid_fromstr(&parentID, parent), "parse parent id")
        var parentCommit: OpaquePointer?
        try LibGit2.check(git_commit_lookup(&parentCommit, handle, &parentID), "read parent commit")
        defer { git_commit_free(parentCommit) }
        var baseTree: OpaquePointer?
        try LibGit2.check(git_commit_tree(&baseTree, parentCommit), "read parent tree")
        defer { git_tree_free(baseTree) }

        // libgit2 cannot turn a folder into a file or the reverse: refuse such a change up front,
        // reading the parent tree this call already holds (each folder once).
        var checkedFolders = Set<String>()
        for case .upsert(let path, _) in changes {
            if try Self.objectType(at: path, in: baseTree) == GIT_OBJECT_TREE { return nil }
            let folders = path.split(separator: "/").dropLast()
            for depth in folders.indices {
                let folder = folders[...depth].joined(separator: "/")
                guard checkedFolders.insert(folder).inserted else { continue }
                if let type = try Self.objectType(at: folder, in: baseTree), type != GIT_OBJECT_TREE { return nil }
            }
        }

        // libgit2 keeps pointers to the path strings: hold them for the whole call.
        let paths = changes.map { strdup($0.path) }
        defer { paths.forEach { free($0) } }
        var updates: [git_tree_update] = []
        for (change, path) in zip(changes, paths) {
            var update = git_tree_update()
            update.path = UnsafePointer(path)
            switch change {
            case .upsert(_, let blobID):
                update.action = GIT_TREE_UPDATE_UPSERT
                try LibGit2.check(git_oid_fromstr(&update.id, blobID), "parse blob id")
                update.filemode = GIT_FILEMODE_BLOB
            case .remove:
                update.action = GIT_TREE_UPDATE_REMOVE
            }
            updates.append(update)
        }
        var treeID = git_oid()
        let code = git_tree_create_updated(&treeID, handle, baseTree, updates.count, updates)
        try LibGit2.check(code, "build tree")
        var tree: OpaquePointer?
        try LibGit2.check(git_tree_lookup(&tree, handle, &treeID), "read new tree")
        defer { git_tree_free(tree) }

        var signature: UnsafeMutablePointer<git_signature>?
        try LibGit2.check(
            git_signature_new(&signature, author.name, author.email, git_time_t(author.date.timeIntervalSince1970), 0),
            "signature")
        defer { git_signature_free(signature) }
        var commitID = git_oid()
        var parents: [OpaquePointer?] = [parentCommit]
        try LibGit2.check(
            git_commit_create(&commitID, handle, nil, signature, signature, "UTF-8", message, tree, 1, &parents),
            "create commit")
        return (commitID.hex, treeID.hex, git_tree_id(baseTree).pointee.hex)
    }

    /// The type of what `path` names in `tree`, or nil when nothing is there.
    private static func objectType(at path: String, in tree: OpaquePointer?) throws(GitError) -> git_object_t? {
        var entry: OpaquePointer?
        let code = git_tree_entry_bypath(&entry, tree, path)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try LibGit2.check(code, "read tree entry")
        defer { git_tree_entry_free(entry) }
        return git_tree_entry_type(entry)
    }

    /// Points `ref` at `new` only if it still points at `expected` (nil: only if it does not
    /// exist). Returns false when another writer moved it first; nothing is changed then.
    public func moveRef(_ ref: String, to new: String, expecting expected: String?, message: String) throws(GitError) -> Bool {
        var newID = git_oid()
        try LibGit2.check(git_oid_fromstr(&newID, new), "parse commit id")
        var reference: OpaquePointer?
        let code: Int32
        if let expected {
            var expectedID = git_oid()
            try LibGit2.check(git_oid_fromstr(&expectedID, expected), "parse expected id")
            code = git_reference_create_matching(&reference, handle, ref, &newID, 1, &expectedID, message)
        } else {
            code = git_reference_create(&reference, handle, ref, &newID, 0, message)
        }
        defer { git_reference_free(reference) }
        if code == GIT_EMODIFIED.rawValue || code == GIT_EEXISTS.rawValue || code == GIT_ELOCKED.rawValue {
            return false
        }
        try LibGit2.check(code, "update \(ref)")
        return true
    }
}
