import Hummingbird
import HubCore
import HubHTTP

/// The web UI's one error mapping: a failed page or form becomes an HTML error page with the
/// status the API would send, except that a page that needs a signed-in user sends a browser to
/// the sign-in page (and back afterwards).
struct WebErrorMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let pages: WebPages

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch HubError.authenticationRequired where request.method == .get {
            let back = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            return Response.redirect(to: "/login" + WebFormat.query([("next", back)]), type: .found)
        } catch let error as HTTPError {
            return pages.render(
                "error", ["status": "\(error.status.code)", "message": error.body ?? error.status.reasonPhrase],
                status: error.status)
        } catch {
            let failure = HubErrorResponse.hubError(from: error)
            if case .internalFailure(let detail) = failure {
                context.logger.error("web page failed: \(detail)")
            }
            return pages.errorPage(failure)
        }
    }
}
