import Hummingbird
import HubCore

/// Errors of the git smart-HTTP routes in git's terms: plain text, which git shows as
/// `fatal: …`, and a 401 with a Basic challenge that makes git ask its credential helper
/// (git's `http.c` retries with credentials only on a 401).
struct GitErrorMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let failure = HubErrorResponse.hubError(from: error)
            switch failure {
            case .authenticationRequired, .invalidCredentials:
                var response = Response.gitText(.unauthorized, "Authentication required\n")
                response.headers[.wwwAuthenticate] = "Basic realm=\"modelhub\""
                return response
            case .gatedRepo(_, signedIn: false):
                // A gated repository asked for without credentials: the challenge makes git send them.
                var response = Response.gitText(.unauthorized, failure.message + "\n")
                response.headers[.wwwAuthenticate] = "Basic realm=\"modelhub\""
                return response
            case .internalFailure(let detail):
                context.logger.error("git request failed: \(detail)")
                return Response.gitText(.internalServerError, "Internal error (request id \(context.requestID))\n")
            case let error:
                return Response.gitText(HubErrorResponse.status(of: error), error.message + "\n")
            }
        }
    }
}
