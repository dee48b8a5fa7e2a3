import Hummingbird
import HubCore
import HubServices

/// Resolves the repository a route names (`:namespace/:name` of `kind`) once per request and
/// asks the access policy once, for the access the route group needs; the handler reads the
/// result with `context.grantedRepo()`. A repository the caller may not reach fails here, before
/// the handler reads a byte of the body, as the service would have failed it.
package struct RepoAssignmentMiddleware: RouterMiddleware {
    package typealias Context = HubRequestContext
    let repos: RepoService
    let kind: RepoKind
    /// The access a request needs; nil leaves it unassigned, for a handler that refuses it on
    /// its own terms first (git's `info/refs` without a `service` it knows).
    let need: @Sendable (Request) -> RepoAccess?
    var withCounters = false
    var pinningIndexVersion = false
    /// git and git-lfs: a caller without credentials who cannot see the repository is asked for
    /// them (a 401 challenge makes git try its credential helper), as for a private repository;
    /// the HF API answers such a caller 404 instead.
    var challengesAnonymousCallers = false
    /// Who the request is from: the credentials it sent (the API, git, git-lfs), or the web UI's
    /// session.
    let callerOf: @Sendable (HubRequestContext) throws -> Caller?

    package init(
        repos: RepoService, kind: RepoKind, need: RepoAccess, withCounters: Bool = false,
        pinningIndexVersion: Bool = false, challengesAnonymousCallers: Bool = false,
        callerOf: @escaping @Sendable (HubRequestContext) throws -> Caller? = { try $0.caller() }
    ) {
        self.init(
            repos: repos, kind: kind, challengesAnonymousCallers: challengesAnonymousCallers, callerOf: callerOf
        ) { _ in need }
        self.withCounters = withCounters
        self.pinningIndexVersion = pinningIndexVersion
    }

    package init(
        repos: RepoService, kind: RepoKind, challengesAnonymousCallers: Bool = false,
        callerOf: @escaping @Sendable (HubRequestContext) throws -> Caller? = { try $0.caller() },
        need: @escaping @Sendable (Request) -> RepoAccess?
    ) {
        self.repos = repos
        self.kind = kind
        self.need = need
        self.challengesAnonymousCallers = challengesAnonymousCallers
        self.callerOf = callerOf
    }

    package func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let need = need(request) else { return try await next(request, context) }
        let caller = try callerOf(context)
        var context = context
        do {
            context.repoGrant = try await repos.grant(
                try context.repoID(kind: kind), caller: caller, need: need, withCounters: withCounters,
                pinningIndexVersion: pinningIndexVersion)
        } catch HubError.repoNotFound where challengesAnonymousCallers && caller == nil {
            throw HubError.authenticationRequired
        }
        return try await next(request, context)
    }
}

extension HubRequestContext {
    /// The repository `RepoAssignmentMiddleware` resolved for this request's route group.
    package func grantedRepo() throws -> RepoGrant {
        guard let repoGrant else {
            throw HubError.internalFailure("a repository route is registered outside its RepoAssignmentMiddleware group")
        }
        return repoGrant
    }
}
