import HubCore

extension RepoGrant {
    /// The caller, when they may take part in the repository's discussions and pull requests
    /// (`AccessPolicy.mayParticipate`), in the words the hub refuses them with otherwise.
    public func requireParticipation() throws -> Caller {
        guard let caller else { throw HubError.authenticationRequired }
        if repo.mirror != nil {
            throw HubError.forbidden(
                "\(repo.id.path) is a read-only mirror of a repository of the upstream hub: take part in its discussions there")
        }
        guard AccessPolicy.mayParticipate(in: repo, caller: caller) else {
            if caller.token.role == .read {
                throw HubError.forbidden("This token has read access only: writing to \(repo.id.path) needs a write token")
            }
            throw HubError.forbidden("This token may not write to \(repo.id.path): its scopes do not cover it")
        }
        return caller
    }
}
