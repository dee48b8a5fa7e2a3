import CLibGit2
import Foundation
import HubCore

/// Branches, tags and history.
extension GitRepository {
    /// Every ref under `refs/` that leads to a commit (annotated tags are peeled).
    public func refs() throws(GitError) -> [GitRefTarget] {
        var found: [GitRefTarget] = []
        try forEachReference { name, reference in
            var commit: OpaquePointer?
            guard git_reference_peel(&commit, reference, GIT_OBJECT_COMMIT) == 0 else { return }
            defer { git_object_free(commit) }
            found.append(GitRefTarget(name: name, commit: git_object_id(commit).pointee.hex))
        }
        return found.sorted { $0.name < $1.name }
    }

    /// The refs that lead to no commit (the object is missing or damaged, or a symbolic ref
    /// names nothing), each with libgit2's reason. `refs()` leaves them out; a consistency
    /// check reports them.
    public func unresolvableRefs() throws(GitError) -> [(name: String, reason: String)] {
        var broken: [(String, String)] = []
        try forEachReference { name, reference in
            var commit: OpaquePointer?
            if git_reference_peel(&commit, reference, GIT_OBJECT_COMMIT) == 0 {
                git_object_free(commit)
            } else {
                broken.append((name, LibGit2.lastMessage()))
            }
        }
        return broken.sorted { $0.0 < $1.0 }
    }

    /// Calls `body` with the name and handle of every reference (the handle is freed after).
    private func forEachReference(_ body: (String, OpaquePointer?) -> Void) throws(GitError) {
        var iterator: OpaquePointer?
        try LibGit2.check(git_reference_iterator_new(&iterator, handle), "list refs")
        defer { git_reference_iterator_free(iterator) }
        while true {
            var reference: OpaquePointer?
            let code = git_reference_next(&reference, iterator)
            if code == GIT_ITEROVER.rawValue { break }
            try LibGit2.check(code, "read ref")
            defer { git_reference_free(reference) }
            body(String(cString: git_reference_name(reference)), reference)
        }
    }

    /// Deletes a ref; false when it did not exist.
    public func deleteRef(_ name: String) throws(GitError) -> Bool {
        var reference: OpaquePointer?
        let code = git_reference_lookup(&reference, handle, name)
        if code == GIT_ENOTFOUND.rawValue { return false }
        try LibGit2.check(code, "read \(name)")
        defer { git_reference_free(reference) }
        try LibGit2.check(git_reference_delete(reference), "delete \(name)")
        return true
    }

    /// Creates tag `name` on `commit`: annotated (with `message` and `tagger`) or lightweight.
    /// Returns false when the tag exists.
    public func createTag(_ name: String, on commit: String, message: String?, tagger: GitSignature) throws(GitError) -> Bool {
        var commitID = git_oid()
        try LibGit2.check(git_oid_fromstr(&commitID, commit), "parse commit id")
        var target: OpaquePointer?
        try LibGit2.check(git_object_lookup(&target, handle, &commitID, GIT_OBJECT_COMMIT), "read commit")
        defer { git_object_free(target) }
        var tagID = git_oid()
        let code: Int32
        if let message {
            var signature: UnsafeMutablePointer<git_signature>?
            try LibGit2.check(
                git_signature_new(&signature, tagger.name, tagger.email, git_time_t(tagger.date.timeIntervalSince1970), 0),
                "signature")
            defer { git_signature_free(signature) }
            code = git_tag_create(&tagID, handle, name, target, signature, message.hasSuffix("\n") ? message : message + "\n", 0)
        } else {
            code = git_tag_create_lightweight(&tagID, handle, name, target, 0)
        }
        if code == GIT_EEXISTS.rawValue { return false }
        try LibGit2.check(code, "create tag \(name)")
        return true
    }

    /// The history from `commit`, newest first: `limit` entries after skipping `offset`.
    /// Returns the page and whether more commits follow.
    public func log(from commit: String, offset: Int, limit: Int) throws(GitError) -> (entries: [GitLogEntry], hasMore: Bool) {
        let walk = try historyWalk(from: commit)
        defer { git_revwalk_free(walk) }
        var entries: [GitLogEntry] = []
        var index = 0
        var id = git_oid()
        while git_revwalk_next(&id, walk) == 0 {
            defer { index += 1 }
            if index < offset { continue }
            if entries.count == limit { return (entries, true) }
            var object: OpaquePointer?
            try LibGit2.check(git_commit_lookup(&object, handle, &id), "read commit")
            defer { git_commit_free(object) }
            let message = git_commit_message(object).map { String(cString: $0) } ?? ""
            let title = git_commit_summary(object).map { String(cString: $0) } ?? ""
            let author = git_commit_author(object).pointee
            entries.append(GitLogEntry(
                id: id.hex, title: title, message: message,
                date: Date(timeIntervalSince1970: TimeInterval(author.when.time)),
                authorName: author.name.map { String(cString: $0) } ?? ""))
        }
        return (entries, false)
    }
}

extension GitRepository {
    /// For each path, the newest commit (walking back from `commit`) that changed it: the first
    /// commit whose entry at the path differs from its first parent's. Paths not resolved within
    /// `maxCommits` are left out.
    public func lastCommits(for paths: [String], from commit: String, maxCommits: Int = 10_000) throws(GitError)
        -> [String: GitLogEntry]
    {
        let walk = try historyWalk(from: commit)
        defer { git_revwalk_free(walk) }
        try LibGit2.check(git_revwalk_simplify_first_parent(walk), "follow first parents")

        var pending = Set(paths)
        var found: [String: GitLogEntry] = [:]
        var id = git_oid()
        var walked = 0
        while !pending.isEmpty, walked < maxCommits, git_revwalk_next(&id, walk) == 0 {
            walked += 1
            let current = id.hex
            let parent = try firstParent(of: current)
            for path in pending {
                let here = try entry(at: path, inCommit: current)?.id
                let before = try parent.flatMap { parent throws(GitError) in try entry(at: path, inCommit: parent)?.id }
                if here != before {
                    found[path] = try log(from: current, offset: 0, limit: 1).entries.first
                    pending.remove(path)
                }
            }
        }
        return found
    }

    /// A walk over the history of `commit`, newest first (the caller frees it).
    private func historyWalk(from commit: String) throws(GitError) -> OpaquePointer? {
        var walk: OpaquePointer?
        try LibGit2.check(git_revwalk_new(&walk, handle), "start history walk")
        do {
            try LibGit2.check(git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue), "sort history")
            var start = git_oid()
            try LibGit2.check(git_oid_fromstr(&start, commit), "parse commit id")
            try LibGit2.check(git_revwalk_push(walk, &start), "walk from commit")
        } catch {
            git_revwalk_free(walk)
            throw error
        }
        return walk
    }

    private func firstParent(of commit: String) throws(GitError) -> String? {
        var commitID = git_oid()
        try LibGit2.check(git_oid_fromstr(&commitID, commit), "parse commit id")
        var object: OpaquePointer?
        try LibGit2.check(git_commit_lookup(&object, handle, &commitID), "read commit")
        defer { git_commit_free(object) }
        guard git_commit_parentcount(object) > 0, let parent = git_commit_parent_id(object, 0) else { return nil }
        return parent.pointee.hex
    }
}
