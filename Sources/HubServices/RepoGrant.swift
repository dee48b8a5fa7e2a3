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

    /// Fails unless the grant carries `need`: a write through a grant made for reading is a
    /// mistake of the route's registration, refused as the service would refuse the caller.
    func require(_ need: RepoAccess) throws {
        guard access >= need else {
            if caller == nil { throw HubError.authenticationRequired }
            if need == .administer {
                throw HubError.forbidden(
                    "You don't have the rights to delete, move or change the settings of \(repo.id.path)")
            }
            throw HubError.forbidden("You don't have write access to \(repo.id.path)")
        }
    }
}
