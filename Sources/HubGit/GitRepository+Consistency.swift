import CLibGit2

extension GitRepository {
    /// The refs that lead to no commit (the object is missing or damaged, or a symbolic ref
    /// names nothing), each with libgit2's reason. `refs()` leaves them out; a consistency
    /// check reports them.
    public func unresolvableRefs() throws(GitError) -> [(name: String, reason: String)] {
        var iterator: OpaquePointer?
        try LibGit2.check(git_reference_iterator_new(&iterator, handle), "list refs")
        defer { git_reference_iterator_free(iterator) }
        var broken: [(String, String)] = []
        while true {
            var reference: OpaquePointer?
            let code = git_reference_next(&reference, iterator)
            if code == GIT_ITEROVER.rawValue { break }
            try LibGit2.check(code, "read ref")
            defer { git_reference_free(reference) }
            let name = String(cString: git_reference_name(reference))
            var commit: OpaquePointer?
            if git_reference_peel(&commit, reference, GIT_OBJECT_COMMIT) == 0 {
                git_object_free(commit)
            } else {
                broken.append((name, LibGit2.lastMessage()))
            }
        }
        return broken.sorted { $0.0 < $1.0 }
    }
}
