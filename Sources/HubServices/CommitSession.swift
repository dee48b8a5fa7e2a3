import Foundation
import HubCore
import HubGit
import HubIndex

/// One commit being received: operations arrive one by one (file contents are written to git as
/// they come, so a large commit is never held in memory), then `finish` builds the tree and moves
/// the branch by compare-and-swap. Used by one task; never shared.
public final class CommitSession {
    let repo: RepoInfo
    let ref: String
    let revision: String
    let caller: Caller
    let git: GitRepository
    /// Where this commit's objects wait until the commit is checked and lands: a refused or
    /// abandoned commit leaves nothing in the repository.
    let quarantine: GitQuarantine
    let routing: UploadRouting
    let lfs: LFSService
    let repos: RepoService
    let discussions: any DiscussionStore

    enum Operation {
        case put(path: String, blobID: String)
        case lfs(path: String, pointer: LFSPointer)
        case deleteFile(path: String)
        case deleteFolder(path: String)
    }

    private var operations: [Operation] = []

    /// What a commit needs, handed over by `CommitService.begin`: the repository (write access
    /// already checked), the branch, a handle and a quarantine for its objects, the LFS rules,
    /// the LFS objects this repository may bind, the index to update, and the discussions a pull
    /// request is recorded in.
    init(
        repo: RepoInfo, ref: String, revision: String, caller: Caller, git: GitRepository, quarantine: GitQuarantine,
        routing: UploadRouting, lfs: LFSService, repos: RepoService, discussions: any DiscussionStore
    ) {
        self.quarantine = quarantine
        self.routing = routing
        self.lfs = lfs
        self.repos = repos
        self.discussions = discussions
        self.repo = repo
        self.ref = ref
        self.revision = revision
        self.caller = caller
        self.git = git
    }

    /// A regular file: its bytes are written as a blob now.
    public func addFile(path: String, contents: [UInt8]) throws {
        let path = try Self.validPath(path)
        guard contents.count <= routing.maxGitFileSize else {
            throw HubError.badRequest(
                "\(path) has \(contents.count) bytes: files over \(routing.maxGitFileSize) bytes must be uploaded with Git LFS")
        }
        if path == "README.md", let violation = CardMetadata.limitViolation(inCard: String(decoding: contents, as: UTF8.self)) {
            throw HubError.unprocessable(violation)
        }
        let blobID = try contents.withUnsafeBytes { try git.writeBlob($0) }
        operations.append(.put(path: path, blobID: blobID))
    }

    /// An LFS file whose object was uploaded before (it must be stored for this repository).
    /// `size` is absent for copies: the stored size is used.
    public func addLFSFile(path: String, oid: String, size: Int64?) async throws {
        let path = try Self.validPath(path)
        let oid = try LFSObjectID(oid)
        guard let stored = try await lfs.boundSize(of: oid, repoRowID: repo.rowID),
            size == nil || size == stored
        else {
            throw HubError.badRequest("The LFS object \(oid.hex) of \(path) was not uploaded to this repository")
        }
        operations.append(.lfs(path: path, pointer: LFSPointer(oid: oid, size: stored)))
    }

    public func deleteFile(path: String) throws {
        operations.append(.deleteFile(path: try Self.validPath(path)))
    }

    /// Deletes everything under `path` (with or without a trailing `/`).
    public func deleteFolder(path: String) throws {
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        operations.append(.deleteFolder(path: try Self.validPath(trimmed)))
    }

    /// Builds the commit on the branch head and moves the branch to it. With `parentCommit`
    /// (a full or abbreviated id) the head must still be that commit, or nothing changes (412).
    /// Without it, a commit that loses a race to another writer is rebuilt on the new head.
    public func finish(summary: String, description: String, parentCommit: String?) async throws -> String {
        guard !summary.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw HubError.badRequest("A commit needs a summary")
        }
        let message = description.isEmpty ? summary : summary + "\n\n" + description
        let author = caller.gitSignature
        for _ in 0..<5 {
            guard let head = try git.commit(atRef: ref)?.id else { throw HubError.revisionNotFound(revision) }
            if let parentCommit {
                let wanted = parentCommit.lowercased()
                guard wanted.count >= 4, head.hasPrefix(wanted) else {
                    // The public hub's wording (huggingface_hub's test suite matches it, tests/test_hf_api.py).
                    throw HubError.preconditionFailed(
                        "The branch was updated since you opened this page. Please refresh and try again.")
                }
            }
            let changes = try changes(on: head)
            guard let built = try git.createCommit(parent: head, changes: changes, message: message, author: author) else {
                throw HubError.conflict("A file of this commit is where a folder is, or the reverse")
            }
            try await admitObjects()
            if try git.moveRef(ref, to: built.commit, expecting: head, message: "commit (api): \(summary)") {
                await repos.maintenance.schedule(repos.location(of: repo))
                if ref == "refs/heads/\(RepoService.defaultBranch)" {
                    try await repos.refreshHead(of: repo)
                }
                await repos.reportRefs(repo, [.init(ref: ref, oldSha: head, newSha: built.commit)], by: caller)
                return built.commit
            }
            if parentCommit != nil {
                throw HubError.preconditionFailed("\(revision) moved while this commit was being made")
            }
        }
        throw HubError.conflict("\(revision) keeps moving: try again")
    }

    /// Moves the commit's objects into the repository once git's fsck rules pass (the rules
    /// `receive.fsckObjects` applies to a push) and its namespace's storage quota has room for
    /// them.
    func admitObjects() async throws {
        let quarantine = self.quarantine
        try await repos.admitStorage(toNamespace: repo.id.namespace) { quarantine.pendingBytes() }
        do {
            try await quarantine.admit(through: git)
        } catch let refused as GitObjectsRefused {
            throw HubError.unprocessable("git refuses this commit: \(refused.description)")
        }
    }

    /// Lands the operations as a new pull request against the session's branch: a commit on the
    /// branch head (or on `parentCommit`, any revision), recorded as discussion N, on `refs/pr/N`.
    public func finishAsPullRequest(summary: String, description: String, parentCommit: String?) async throws -> (String, Discussion) {
        guard ref.hasPrefix("refs/heads/") else { throw HubError.badRequest("A pull request targets a branch") }
        guard !summary.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw HubError.badRequest("A commit needs a summary")
        }
        let base: String
        if let parentCommit {
            guard let found = try git.commitID(forRevision: parentCommit.lowercased()) else {
                throw HubError.revisionNotFound(parentCommit)
            }
            base = found
        } else {
            guard let head = try git.commit(atRef: ref)?.id else { throw HubError.revisionNotFound(revision) }
            base = head
        }
        let author = caller.gitSignature
        let message = description.isEmpty ? summary : summary + "\n\n" + description
        guard let built = try git.createCommit(parent: base, changes: try changes(on: base), message: message, author: author) else {
            throw HubError.conflict("A file of this commit is where a folder is, or the reverse")
        }
        try await admitObjects()
        // The discussion row is the commit point; the ref is created inside its transaction.
        let location = repos.location(of: repo)
        let commit = built.commit
        let discussion = try await discussions.create(
            NewDiscussion(
                repoRowID: repo.rowID, title: summary, description: description,
                author: caller.discussionActor, isPullRequest: true, status: .open,
                targetBranch: String(ref.dropFirst("refs/heads/".count)),
                commits: [DiscussionCommitNote(oid: commit, subject: summary)])
        ) { num in
            let repository = try GitRepository.open(at: location)
            guard try repository.moveRef("refs/pr/\(num)", to: commit, expecting: nil, message: "pull request \(num)") else {
                throw HubError.conflict("refs/pr/\(num) already exists")
            }
        }
        await repos.report("create", scope: "discussion", repo, by: caller) { $0.discussion = discussion }
        return (commit, discussion)
    }

    /// The tree changes of the collected operations on `head`, with the `.gitattributes` lines
    /// that make git route every committed LFS path to LFS.
    func changes(on head: String) throws -> [GitTreeChange] {
        var final: [String: GitTreeChange] = [:]
        var order: [String] = []
        func set(_ change: GitTreeChange) {
            if final[change.path] == nil { order.append(change.path) }
            final[change.path] = change
        }
        var lfsPaths: [String] = []
        for operation in operations {
            switch operation {
            case .put(let path, let blobID):
                set(.upsert(path: path, blobID: blobID))
            case .lfs(let path, let pointer):
                let blobID = try Array(pointer.text.utf8).withUnsafeBytes { try git.writeBlob($0) }
                set(.upsert(path: path, blobID: blobID))
                lfsPaths.append(path)
            case .deleteFile(let path):
                guard let entry = try git.entry(at: path, inCommit: head), entry.kind == .blob else {
                    if case .upsert = final[path] { final[path] = .remove(path: path); continue }
                    throw HubError.entryNotFound("A file with this name doesn't exist: \(path)")
                }
                set(.remove(path: path))
            case .deleteFolder(let path):
                guard let files = try git.listTree(commit: head, path: path, recursive: true) else {
                    throw HubError.entryNotFound("A folder with this name doesn't exist: \(path)")
                }
                // File by file, so that files added under the folder in the same commit stay.
                for file in files where !file.isDirectory {
                    set(.remove(path: file.path))
                }
                for pending in order where pending.hasPrefix(path + "/") {
                    if case .upsert = final[pending], try git.entry(at: pending, inCommit: head) == nil {
                        final[pending] = nil
                    }
                }
            }
        }
        // A removal of a path that does not exist at the head (added, then deleted, in this
        // commit) is a no-op.
        var changes: [GitTreeChange] = try order.compactMap { path in
            guard let change = final[path] else { return nil }
            if case .remove = change, try git.entry(at: path, inCommit: head) == nil { return nil }
            return change
        }
        if let attributes = try gitAttributesChange(for: lfsPaths, head: head, pending: changes) {
            changes.removeAll { $0.path == ".gitattributes" }
            changes.append(attributes)
        }
        return changes
    }

    /// A new `.gitattributes` when some LFS path of the commit is not routed to LFS yet.
    func gitAttributesChange(for lfsPaths: [String], head: String, pending: [GitTreeChange]) throws -> GitTreeChange? {
        guard !lfsPaths.isEmpty else { return nil }
        var text: String
        if case .upsert(_, let blobID)? = pending.first(where: { $0.path == ".gitattributes" }) {
            text = String(decoding: try git.blobContents(blobID), as: UTF8.self)
        } else {
            text = try git.text(at: ".gitattributes", inCommit: head) ?? ""
        }
        let patterns = PathPatterns.lfsAttributes(text)
        let missing = lfsPaths.filter { patterns.value(for: $0) != true }
        guard !missing.isEmpty else { return nil }
        if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
        for path in missing { text += PathPatterns.lfsLine(for: path) + "\n" }
        let blobID = try Array(text.utf8).withUnsafeBytes { try git.writeBlob($0) }
        return .upsert(path: ".gitattributes", blobID: blobID)
    }

    /// A path git accepts in a tree (what `git fsck` checks on a push): relative, no empty, `.`
    /// or `..` parts, no `.git` in any spelling a file system takes for it, no control characters.
    /// Checked before anything is written, so a refused commit stores nothing.
    /// A backslash is refused too: huggingface_hub on Windows and git for Windows take `..\x` for
    /// a folder climb, so no spelling of `..` gets in.
    static func validPath(_ path: String) throws(HubError) -> String {
        if path.contains("\\") {
            throw .unprocessable("Invalid path '\(HubName.printable(path))' in the commit: a path may not contain a backslash")
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if parts.contains("..") {
            throw .unprocessable("Invalid path '\(HubName.printable(path))' in the commit: a path may not contain '..'")
        }
        guard !path.isEmpty, path.utf8.count <= 4096,
            !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." || GitPathRules.isDotGit($0) }),
            !path.containsControlCharacters
        else {
            throw .unprocessable("Invalid path '\(HubName.printable(path))' in the commit: git refuses it")
        }
        return path
    }
}
