import HubCore

/// A repository a request was let into: its row as read once for the request, the access the
/// caller has to it, and the caller. Only `RepoService.grant` makes one, after the access policy
/// allowed what the route needs, so what is handed a grant does not look the repository up or
/// check access again (Gitea's `RepoAssignment` is the model). A class: the request context that
/// carries it is copied at every middleware, and a reference is one pointer to copy.
public final class RepoGrant: Sendable {
    public let repo: RepoInfo
    public let access: RepoAccess
    public let caller: Caller?
    /// The index version read just before the row, when the route asked for it (answers cached
    /// by version, such as repo info, are never kept under a version older than what they show).
    public let indexVersion: Int64?

    init(repo: RepoInfo, access: RepoAccess, caller: Caller?, indexVersion: Int64?) {
        self.repo = repo
        self.access = access
        self.caller = caller
        self.indexVersion = indexVersion
    }

    /// Fails unless the grant carries `need`, in the words the hub refuses a write with: without
    /// credentials it asks for them; a read token, or a caller who may only read, may not write;
    /// only those who administer a repository may delete, move it or change its settings; a
    /// mirror is written by nobody.
    /// Services that take a grant call it too, so a grant made for reading never writes.
    public func require(_ need: RepoAccess) throws {
        if need > .read, repo.mirror != nil {
            throw HubError.forbidden("\(repo.id.path) is a read-only mirror of a repository of the upstream hub")
        }
        guard access < need else { return }
        guard let caller else { throw HubError.authenticationRequired }
        if access < .write {
            if caller.token.role == .read {
                throw HubError.forbidden("This token has read access only: writing to \(repo.id.path) needs a write token")
            }
            throw HubError.forbidden("You don't have write access to \(repo.id.path)")
        }
        throw HubError.forbidden("You don't have the rights to delete, move or change the settings of \(repo.id.path)")
    }
}
