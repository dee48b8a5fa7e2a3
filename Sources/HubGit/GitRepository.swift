import CLibGit2
import Foundation
import HubCore

/// A bare repository opened through libgit2.
///
/// A handle belongs to one task: open it, use it, let it go. It is never shared across threads.
public final class GitRepository {
    let handle: OpaquePointer

    private init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        git_repository_free(handle)
    }

    public static func open(at url: URL) throws(GitError) -> GitRepository {
        LibGit2.ready
        var handle: OpaquePointer?
        try LibGit2.check(git_repository_open_bare(&handle, url.path), "open repository")
        return GitRepository(handle: handle!)
    }

    /// Creates an empty bare repository whose `HEAD` points at `refs/heads/<initialBranch>`.
    public static func createBare(at url: URL, initialBranch: String) throws(GitError) -> GitRepository {
        LibGit2.ready
        var options = git_repository_init_options()
        try LibGit2.check(
            git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION)),
            "init options")
        options.flags = GIT_REPOSITORY_INIT_BARE.rawValue | GIT_REPOSITORY_INIT_MKPATH.rawValue
            | GIT_REPOSITORY_INIT_NO_REINIT.rawValue
        var handle: OpaquePointer?
        let code = initialBranch.withCString { branch in
            options.initial_head = branch
            return git_repository_init_ext(&handle, url.path, &options)
        }
        try LibGit2.check(code, "create repository")
        return GitRepository(handle: handle!)
    }

    /// Writes a root commit holding `files` (top-level paths only) and points `branch` at it.
    /// Used for a new repository's first commit, so the branch must not exist yet.
    public func createRootCommit(
        files: [(name: String, contents: [UInt8])], message: String, author: GitSignature, branch: String
    ) throws(GitError) -> String {
        var builder: OpaquePointer?
        try LibGit2.check(git_treebuilder_new(&builder, handle, nil), "new tree")
        defer { git_treebuilder_free(builder) }
        for file in files {
            var blobID = git_oid()
            let written = file.contents.withUnsafeBytes { bytes in
                git_blob_create_from_buffer(&blobID, handle, bytes.baseAddress, bytes.count)
            }
            try LibGit2.check(written, "write blob \(file.name)")
            try LibGit2.check(
                git_treebuilder_insert(nil, builder, file.name, &blobID, GIT_FILEMODE_BLOB), "add \(file.name)")
        }
        var treeID = git_oid()
        try LibGit2.check(git_treebuilder_write(&treeID, builder), "write tree")
        var tree: OpaquePointer?
        try LibGit2.check(git_tree_lookup(&tree, handle, &treeID), "read tree")
        defer { git_tree_free(tree) }

        var signature: UnsafeMutablePointer<git_signature>?
        try LibGit2.check(
            git_signature_new(
                &signature, author.name, author.email, git_time_t(author.date.timeIntervalSince1970), 0),
            "signature")
        defer { git_signature_free(signature) }

        var commitID = git_oid()
        let code = git_commit_create(
            &commitID, handle, "refs/heads/\(branch)", signature, signature, "UTF-8", message, tree, 0, nil)
        try LibGit2.check(code, "create commit")
        return commitID.hex
    }

    /// The commit a fully qualified ref (`refs/heads/main`) points at, or nil when it does not exist.
    public func commit(atRef ref: String) throws(GitError) -> GitCommitSummary? {
        var commitID = git_oid()
        let code = git_reference_name_to_id(&commitID, handle, ref)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try LibGit2.check(code, "read ref \(ref)")
        return try summary(of: &commitID)
    }

    /// The id and date of a commit given by its full id.
    public func commitSummary(_ id: String) throws(GitError) -> GitCommitSummary {
        var commitID = git_oid()
        try LibGit2.check(git_oid_fromstr(&commitID, id), "parse commit id")
        return try summary(of: &commitID)
    }

    private func summary(of commitID: inout git_oid) throws(GitError) -> GitCommitSummary {
        var commit: OpaquePointer?
        try LibGit2.check(git_commit_lookup(&commit, handle, &commitID), "read commit")
        defer { git_commit_free(commit) }
        let seconds = git_commit_time(commit)
        return GitCommitSummary(id: commitID.hex, date: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}

/// Who made a commit, and when.
public struct GitSignature: Sendable {
    public let name: String
    public let email: String
    public let date: Date

    public init(name: String, email: String, date: Date) {
        self.name = name
        self.email = email
        self.date = date
    }
}

/// The id and the committer date of one commit.
public struct GitCommitSummary: Sendable, Equatable {
    public let id: String
    public let date: Date
}
