import CLibGit2
import HubCore

/// One path of a commit's tree.
public struct GitTreeEntry: Sendable, Equatable {
    public enum Kind: Sendable {
        case blob, tree, submodule
    }

    public let kind: Kind
    /// The git object id (blob SHA-1 for files).
    public let id: String
    public let isExecutable: Bool
}

/// Reading revisions, trees and blobs.
extension GitRepository {
    /// The commit a revision names: a branch, a tag, `refs/pr/N` or `refs/convert/X`, or a full or
    /// abbreviated (at least 4 hex) commit id. Branch and tag names win over abbreviated ids.
    /// Only these forms are accepted: revision syntax (`main~1`, `HEAD^{tree}`) never reaches libgit2.
    public func commitID(forRevision revision: String) throws(GitError) -> String? {
        if revision.hasPrefix("refs/") {
            let allowed = ["refs/heads/", "refs/tags/", "refs/pr/", "refs/convert/"]
            guard allowed.contains(where: revision.hasPrefix), GitRefName.brokenRule(in: revision) == nil else {
                return nil
            }
            return try peeledCommit(ofRef: revision)
        }
        if GitRefName.brokenRule(in: revision) == nil {
            for prefix in ["refs/heads/", "refs/tags/"] {
                if let commit = try peeledCommit(ofRef: prefix + revision) { return commit }
            }
        }
        let isHex = revision.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        guard isHex, (4...40).contains(revision.utf8.count) else { return nil }
        var prefix = git_oid()
        guard git_oid_fromstrn(&prefix, revision, revision.utf8.count) == 0 else { return nil }
        var object: OpaquePointer?
        let code = git_object_lookup_prefix(&object, handle, &prefix, revision.utf8.count, GIT_OBJECT_COMMIT)
        if code == GIT_ENOTFOUND.rawValue || code == GIT_EAMBIGUOUS.rawValue || code == GIT_EINVALIDSPEC.rawValue {
            return nil
        }
        try LibGit2.check(code, "look up \(revision)")
        defer { git_object_free(object) }
        return git_object_id(object).pointee.hex
    }

    private func peeledCommit(ofRef name: String) throws(GitError) -> String? {
        var reference: OpaquePointer?
        let code = git_reference_lookup(&reference, handle, name)
        if code == GIT_ENOTFOUND.rawValue || code == GIT_EINVALIDSPEC.rawValue { return nil }
        try LibGit2.check(code, "read ref")
        defer { git_reference_free(reference) }
        var commit: OpaquePointer?
        let peeled = git_reference_peel(&commit, reference, GIT_OBJECT_COMMIT)
        if peeled == GIT_ENOTFOUND.rawValue || peeled == GIT_EPEEL.rawValue { return nil }
        try LibGit2.check(peeled, "peel ref")
        defer { git_object_free(commit) }
        return git_object_id(commit).pointee.hex
    }

    /// The entry at `path` (`dir/file.txt`, no leading `/`) in the tree of `commit`, or nil.
    public func entry(at path: String, inCommit commit: String) throws(GitError) -> GitTreeEntry? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        // A NUL would end the C string libgit2 reads: `a.md\0.txt` must not find `a.md`.
        guard !path.isEmpty, !path.utf8.contains(0), !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." })
        else { return nil }
        var commitID = git_oid()
        guard git_oid_fromstr(&commitID, commit) == 0 else { return nil }
        var commitObject: OpaquePointer?
        try LibGit2.check(git_commit_lookup(&commitObject, handle, &commitID), "read commit")
        defer { git_commit_free(commitObject) }
        var tree: OpaquePointer?
        try LibGit2.check(git_commit_tree(&tree, commitObject), "read tree")
        defer { git_tree_free(tree) }
        var entry: OpaquePointer?
        let code = git_tree_entry_bypath(&entry, tree, path)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try LibGit2.check(code, "find \(path)")
        defer { git_tree_entry_free(entry) }
        let mode = git_tree_entry_filemode(entry)
        let kind: GitTreeEntry.Kind
        switch git_tree_entry_type(entry) {
        case GIT_OBJECT_BLOB: kind = .blob
        case GIT_OBJECT_TREE: kind = .tree
        default: kind = .submodule
        }
        return GitTreeEntry(
            kind: kind, id: git_tree_entry_id(entry).pointee.hex, isExecutable: mode == GIT_FILEMODE_BLOB_EXECUTABLE)
    }

    /// The bytes of a blob. Regular (non-LFS) files are at most `maxGitFileSize` by the push policy.
    public func blobContents(_ id: String) throws(GitError) -> [UInt8] {
        try withBlob(id) { blob in
            let size = Int(git_blob_rawsize(blob))
            guard size > 0, let bytes = git_blob_rawcontent(blob) else { return [] }
            return Array(UnsafeRawBufferPointer(start: bytes, count: size))
        }
    }

    /// The text of the file at `path` in `commit` (`.gitattributes`, `.gitignore`, a card), or
    /// nil when there is no file there.
    public func text(at path: String, inCommit commit: String) throws(GitError) -> String? {
        guard let entry = try entry(at: path, inCommit: commit), entry.kind == .blob else { return nil }
        return String(decoding: try blobContents(entry.id), as: UTF8.self)
    }

    /// A blob's size, read from its header alone, and the LFS pointer it holds when it is small
    /// enough to be one: a large blob is never inflated to learn that it is not a pointer.
    func sizeAndPointer(ofBlob id: inout git_oid, odb: OpaquePointer?) throws(GitError) -> (size: Int, pointer: LFSPointer?) {
        var size = 0
        var type = GIT_OBJECT_BLOB
        try LibGit2.check(git_odb_read_header(&size, &type, odb, &id), "read blob header")
        guard size <= LFSPointer.maxLength else { return (size, nil) }
        return (size, LFSPointer(parsing: try blobContents(id.hex)))
    }

    private func withBlob<Result>(_ id: String, _ body: (OpaquePointer?) -> Result) throws(GitError) -> Result {
        var oid = git_oid()
        try LibGit2.check(git_oid_fromstr(&oid, id), "parse blob id")
        var blob: OpaquePointer?
        try LibGit2.check(git_blob_lookup(&blob, handle, &oid), "read blob")
        defer { git_blob_free(blob) }
        return body(blob)
    }
}
