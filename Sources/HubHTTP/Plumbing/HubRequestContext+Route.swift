import Hummingbird
import HubCore

/// What a route's path parameters name, read the same way by every surface: the repository
/// (`:namespace/:name`, `.git` dropped), the revision (`:revision`, %2F-decoded) and the path
/// after it (the `**` catch-all).
extension HubRequestContext {
    /// The repository the path names, or nil when its segments are no valid repository id.
    package func repoIDIfValid(kind: RepoKind) -> RepoID? {
        guard let namespace = parameters.get("namespace")?.percentDecoded,
            var name = parameters.get("name")?.percentDecoded
        else { return nil }
        if name.hasSuffix(".git") { name.removeLast(4) }
        return try? RepoID(kind: kind, namespace: namespace, name: name)
    }

    /// The repository the path names; an invalid id is a repository that does not exist.
    package func repoID(kind: RepoKind) throws -> RepoID {
        guard let id = repoIDIfValid(kind: kind) else { throw HubError.repoNotFound }
        return id
    }

    /// The revision and the path after it. huggingface_hub sends the revision as one
    /// %2F-encoded segment; `refs/pr/1` typed raw (curl, older tools) is taken whole too.
    package func revisionAndPath() throws -> (revision: String, path: String) {
        guard var revision = parameters.get("revision")?.percentDecoded else {
            throw HubError.badRequest("A revision is required")
        }
        guard !revision.containsControlCharacters else {
            throw HubError.badRequest("A revision may not contain control characters")
        }
        var segments = try parameters.getCatchAll().map { segment -> String in
            guard let decoded = String(segment).percentDecoded else {
                throw HubError.badRequest("The path is not valid percent-encoded UTF-8")
            }
            // git paths are C strings below: `README.md%00.txt` would name README.md.
            guard !decoded.containsControlCharacters else {
                throw HubError.badRequest("A path may not contain control characters")
            }
            return decoded
        }
        if revision == "refs", segments.count > 2 {
            revision += "/" + segments[0] + "/" + segments[1]
            segments.removeFirst(2)
        }
        return (revision, segments.joined(separator: "/"))
    }

    /// The discussion the path names (`:num`); anything but a discussion number is one that
    /// does not exist.
    package func discussionNumber() throws -> Int {
        guard let text = parameters.get("num"), let number = Discussion.number(parsing: text) else { throw HubError.entryNotFound("discussion") }
        return number
    }

    /// A branch or tag name from the path: one %2F-encoded segment, or raw segments with `/`.
    package func refName() throws -> String {
        let (revision, rest) = try revisionAndPath()
        return rest.isEmpty ? revision : revision + "/" + rest
    }
}
