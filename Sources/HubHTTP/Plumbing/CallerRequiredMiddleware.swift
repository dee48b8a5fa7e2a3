import Hummingbird
import HubCore

/// Routes that only mean something for a signed-in caller (liking a repository) ask for
/// credentials before anything is looked up, so an anonymous request learns nothing about
/// which repositories exist.
struct CallerRequiredMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard try context.caller() != nil else { throw HubError.authenticationRequired }
        return try await next(request, context)
    }
}
