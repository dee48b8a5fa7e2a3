import Hummingbird
import HubCore
import HubServices

/// Resolves the repository a route names (`:namespace/:name` of `kind`) once per request and
/// asks the access policy once, for the access the route group needs; the handler reads the
/// result with `context.grantedRepo()`. A repository the caller may not reach fails here, before
/// the handler reads a byte of the body, as the service would have failed it.
struct RepoAssignmentMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let repos: RepoService
    let kind: RepoKind
    let need: RepoAccess
    var withCounters = false
    var pinningIndexVersion = false

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.repoGrant = try await repos.grant(
            try context.repoID(kind: kind), caller: try context.caller(), need: need, withCounters: withCounters,
            pinningIndexVersion: pinningIndexVersion)
        return try await next(request, context)
    }
}

extension HubRequestContext {
    /// The repository `RepoAssignmentMiddleware` resolved for this request's route group.
    func grantedRepo() throws -> RepoGrant {
        guard let repoGrant else {
            throw HubError.internalFailure("a repository route is registered outside its RepoAssignmentMiddleware group")
        }
        return repoGrant
    }
}
