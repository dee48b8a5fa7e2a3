import Foundation
import Hummingbird
import HubCore
import HubServices

/// Reads `Authorization: Bearer <token>` (huggingface_hub) or `Authorization: Basic
/// base64(user:token)` (git, git-lfs; the user name is ignored, the password is the token).
/// The token is never logged.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let accounts: AccountService

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            context.authentication = .invalid
            if let secret = Self.secret(in: header) {
                do {
                    let caller = try await accounts.authenticate(secret: secret)
                    context.authentication = .caller(caller)
                    context.record?.setUserName(caller.user.name.value)
                } catch HubError.invalidCredentials {
                    // An unknown or malformed token: the request goes on as `.invalid`. Any other
                    // failure (the index did not answer) is the server's, and goes up as one: a 401
                    // would make git ask for other credentials and huggingface_hub blame the token.
                }
            }
        }
        return try await next(request, context)
    }

    static func secret(in header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let scheme = parts[0].lowercased()
        let value = parts[1].trimmingCharacters(in: .whitespaces)
        switch scheme {
        case "bearer":
            return value
        case "basic":
            guard let data = Data(base64Encoded: value), let text = String(data: data, encoding: .utf8),
                let colon = text.firstIndex(of: ":")
            else { return nil }
            return String(text[text.index(after: colon)...])
        default:
            return nil
        }
    }
}
