import Foundation
import Hummingbird
import HubCore
import HubHTTP
import HubServices

/// Signing in and out (and up, when the configuration allows it), and the user's settings:
/// access tokens (a new one is shown once) and the password.
struct WebAccountController {
    let hub: Hub
    let pages: WebPages
    let baseURL: BaseURL
    let allowSignUp: Bool

    var accounts: AccountService { hub.accounts }

    func register(on router: some RouterMethods<HubRequestContext>) {
        router.get("/login") { request, context in
            signInPage(context: context, next: request.uri.queryParameters.get("next"))
        }
        router.post("/login") { request, context in try await signIn(request, context: context) }
        router.post("/logout") { request, context in try await signOut(request, context: context) }
        router.get("/join") { _, context in
            guard allowSignUp else { throw HTTPError(.notFound) }
            return signInPage(context: context, next: nil, joining: true)
        }
        router.post("/join") { request, context in try await join(request, context: context) }
        router.get("/settings/tokens") { request, context in try await tokensPage(context: context) }
        router.post("/settings/tokens") { request, context in try await createToken(request, context: context) }
        router.post("/settings/tokens/revoke") { request, context in
            try await revokeToken(request, context: context)
        }
        router.get("/settings/password") { request, context in
            try passwordPage(context: context, changed: request.uri.queryParameters.get("changed") == "1")
        }
        router.post("/settings/password") { request, context in
            try await changePassword(request, context: context)
        }
    }

    /// Only paths on this hub: never an open redirect.
    static func localPath(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\") else { return "/" }
        return next
    }

    /// `Secure` when the hub is reached over https (its configured `publicURL`).
    func sessionCookie(_ value: String, maxAge: Int) -> String {
        let secure = baseURL.configured?.lowercased().hasPrefix("https://") == true ? "; Secure" : ""
        return "\(WebSessionMiddleware.sessionCookie)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Lax\(secure)"
    }

    func signInPage(
        context: HubRequestContext, next: String?, joining: Bool = false, error: String? = nil, name: String = "",
        status: HTTPResponse.Status = .ok
    ) -> Response {
        pages.render(
            "login",
            [
                "heading": joining ? "Create an account" : "Sign in", "action": joining ? "/join" : "/login",
                "next": Self.localPath(next), "error": error as Any, "name": name,
                "passwordAutocomplete": joining ? "new-password" : "current-password", "signUp": allowSignUp && !joining,
            ], context: context, status: status)
    }

    func signedIn(_ secret: String, next: String?) -> Response {
        var response = Response.redirect(to: Self.localPath(next), type: .normal)
        response.headers[.setCookie] = sessionCookie(secret, maxAge: Int(AccountService.sessionLifetime))
        return response
    }

    func signIn(_ request: Request, context: HubRequestContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context, needsSession: false)
        let name = form["name"] ?? ""
        do {
            let (secret, _) = try await accounts.signIn(name: name, password: form["password"] ?? "")
            return signedIn(secret, next: form["next"])
        } catch HubError.invalidCredentials {
            return signInPage(
                context: context, next: form["next"], error: "Wrong user name or password.", name: name, status: .unauthorized)
        }
    }

    func join(_ request: Request, context: HubRequestContext) async throws -> Response {
        guard allowSignUp else { throw HTTPError(.notFound) }
        let form = try await WebForm.read(request, context: context, needsSession: false)
        let name = form["name"] ?? ""
        let password = form["password"] ?? ""
        do {
            _ = try await accounts.signUp(name: name, password: password)
        } catch let error as HubError {
            return signInPage(
                context: context, next: nil, joining: true, error: error.message, name: name,
                status: HubErrorResponse.status(of: error))
        }
        let (secret, _) = try await accounts.signIn(name: name, password: password)
        return signedIn(secret, next: "/")
    }

    func signOut(_ request: Request, context: HubRequestContext) async throws -> Response {
        _ = try await WebForm.read(request, context: context)
        if let secret = WebSessionMiddleware.sessionSecret(in: request.headers[.cookie]) {
            try await accounts.signOut(secret: secret)
        }
        var response = Response.redirect(to: "/", type: .normal)
        response.headers[.setCookie] = sessionCookie("", maxAge: 0)
        return response
    }

    func tokensPage(
        context: HubRequestContext, created: (name: String, secret: String)? = nil, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let caller = try context.sessionCaller()
        let tokens = try await accounts.tokens(userName: caller.user.name.value)
        var view: [String: Any] = [
            "tabTokens": true,
            "tokens": tokens.map { token -> [String: Any] in
                ["name": token.name, "role": token.role.rawValue, "created": WebFormat.day(token.createdAt),
                 "scopes": token.scopes.map(\.description).joined(separator: ", "), "csrf": context.webSession?.csrfToken ?? ""]
            },
        ]
        if let created { view["created"] = ["name": created.name, "secret": created.secret] }
        if let error { view["error"] = error }
        return pages.render("tokens", view, context: context, status: status)
    }

    func createToken(_ request: Request, context: HubRequestContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let caller = try context.sessionCaller()
        guard let role = TokenRole(rawValue: form["role"] ?? "") else {
            return try await tokensPage(context: context, error: "Choose read, write or fine-grained.", status: .badRequest)
        }
        do {
            var scopes: [TokenScope] = []
            if role == .fineGrained {
                for line in (form["scopes"] ?? "").split(whereSeparator: \.isNewline) where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                    scopes.append(try await hub.tokenScope(String(line)))
                }
            }
            let (token, secret) = try await accounts.createToken(
                userName: caller.user.name.value, name: form["name"], role: role, scopes: scopes, token: nil)
            return try await tokensPage(context: context, created: (token.name, secret.value))
        } catch let error as HubError {
            return try await tokensPage(context: context, error: error.message, status: HubErrorResponse.status(of: error))
        }
    }

    func revokeToken(_ request: Request, context: HubRequestContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let caller = try context.sessionCaller()
        try await accounts.revokeToken(userName: caller.user.name.value, name: form["name"] ?? "")
        return Response.redirect(to: "/settings/tokens", type: .normal)
    }

    func passwordPage(
        context: HubRequestContext, error: String? = nil, changed: Bool = false, status: HTTPResponse.Status = .ok
    ) throws -> Response {
        _ = try context.sessionCaller()
        return pages.render(
            "password", ["tabPassword": true, "error": error as Any, "changed": changed], context: context, status: status)
    }

    func changePassword(_ request: Request, context: HubRequestContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let caller = try context.sessionCaller()
        let name = caller.user.name.value
        do {
            // Checking the current password opens a session; the change ends every session,
            // and the response signs this browser in again with a new one.
            _ = try await accounts.signIn(name: name, password: form["current"] ?? "")
            try PasswordHasher.validate(form["new"] ?? "")
            try await accounts.setPassword(form["new"] ?? "", userName: name)
        } catch HubError.invalidCredentials {
            return try passwordPage(context: context, error: "The current password is wrong.", status: .forbidden)
        } catch let error as HubError {
            return try passwordPage(context: context, error: error.message, status: HubErrorResponse.status(of: error))
        }
        let (secret, _) = try await accounts.signIn(name: name, password: form["new"] ?? "")
        var response = Response.redirect(to: "/settings/password?changed=1", type: .normal)
        response.headers[.setCookie] = sessionCookie(secret, maxAge: Int(AccountService.sessionLifetime))
        return response
    }
}
