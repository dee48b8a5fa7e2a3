import Hummingbird
import HubCore
import HubHTTP
import HubServices

/// Reads the web UI's session cookie. It runs for the web pages' routes only: the API, git and
/// LFS take tokens alone, so a browser's cookie costs them no lookup and authorises nothing.
struct WebSessionMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let accounts: AccountService

    static let sessionCookie = "modelhub_session"

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let secret = Self.sessionSecret(in: request.headers[.cookie]),
            let session = try? await accounts.session(secret: secret)
        {
            context.webSession = session
            context.record?.setUserName(session.0.user.name.value)
        }
        return try await next(request, context)
    }

    /// The session secret in a `Cookie` header (`a=1; modelhub_session=…`).
    static func sessionSecret(in header: String?) -> String? {
        guard let header else { return nil }
        for pair in header.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0] == sessionCookie, !parts[1].isEmpty { return parts[1] }
        }
        return nil
    }
}
