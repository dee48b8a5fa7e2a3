import HubCore
import HubHTTP
import HubServices

/// How web pages and forms are let into a repository: the same one access check as every other
/// surface (`RepoService.grant`), for the viewer a page is for (the session's user, or the
/// `Authorization` header's), or for the signed-in user a form or an editing page needs.
enum WebRepoAccess {
    /// Resolves a page's repository once, before the handler runs (`context.grantedRepo()`).
    /// Pages that change something (editing, settings) need a session: without one the browser
    /// is sent to sign in, as before the repository is looked up.
    static func middleware(
        _ hub: Hub, _ kind: RepoKind, need: RepoAccess, withCounters: Bool = false, needsSession: Bool = false
    ) -> RepoAssignmentMiddleware {
        let sessionCaller: @Sendable (HubRequestContext) throws -> Caller? = { context in try context.sessionCaller() }
        let viewer: @Sendable (HubRequestContext) throws -> Caller? = { context in try context.webCaller() }
        let callerOf = needsSession ? sessionCaller : viewer
        return RepoAssignmentMiddleware(
            repos: hub.repos, kind: kind, need: need, withCounters: withCounters, callerOf: callerOf)
    }

    /// A submitted form's repository, for the signed-in user, looked up only after the form
    /// passed its origin and CSRF checks (`WebForm.read`): a form from another site learns
    /// nothing about which private repositories exist.
    static func formGrant(_ hub: Hub, _ kind: RepoKind, context: HubRequestContext) async throws -> RepoGrant {
        try await hub.repos.grant(try context.repoID(kind: kind), caller: try context.sessionCaller())
    }
}
