import Crypto
import Foundation
import HubCore
import HubIndex

/// Users and access tokens: creation, listing, revocation, and turning a presented secret into a `Caller`.
public struct AccountService: Sendable {
    let store: any AccountStore

    public init(store: any AccountStore) {
        self.store = store
    }

    /// Creates a user with a first write token (named `default`), returning the secret, shown only
    /// once, and optionally a password for the web UI.
    public func createUser(
        name: String, fullname: String?, email: String?, isAdmin: Bool, token: String?, password: String? = nil
    ) async throws -> (User, TokenSecret) {
        let name = try HubName(name)
        if Self.reservedNamespaces.contains(name.key) {
            throw HubError.invalidName("The name '\(name.value)' is reserved: it is part of the hub's own URLs")
        }
        let secret = try token.map { value throws(HubError) in try TokenSecret(value) } ?? TokenSecret.generate()
        let (user, _) = try await store.createUser(
            name: name, fullname: fullname ?? name.value, email: email, isAdmin: isAdmin,
            passwordHash: try password.map(PasswordHasher.hash),
            firstToken: NewToken(name: "default", role: .write, secretHash: Self.hash(secret)))
        return (user, secret)
    }

    /// A fine-grained token needs at least one scope; the others take none.
    public func createToken(
        userName: String, name: String?, role: TokenRole, scopes: [TokenScope] = [], token: String?
    ) async throws -> (AccessToken, TokenSecret) {
        let user = try await requireUser(userName)
        guard (role == .fineGrained) == !scopes.isEmpty else {
            throw HubError.badRequest(
                role == .fineGrained ? "A fine-grained token needs at least one scope" : "Only fine-grained tokens have scopes")
        }
        let secret = try token.map { value throws(HubError) in try TokenSecret(value) } ?? TokenSecret.generate()
        let tokenName = try Self.validTokenName(name ?? "token-\(HubDate.format(HubDate.now()))")
        let stored = try await store.addToken(
            NewToken(name: tokenName, role: role, scopes: scopes, secretHash: Self.hash(secret)), userID: user.id)
        return (stored, secret)
    }

    public func tokens(userName: String) async throws -> [AccessToken] {
        try await store.tokens(userID: try await requireUser(userName).id)
    }

    public func revokeToken(userName: String, name: String) async throws {
        let user = try await requireUser(userName)
        guard try await store.revokeToken(named: name, userID: user.id) else {
            throw HubError.tokenNotFound(name)
        }
    }

    /// The caller a presented token stands for. A malformed or unknown token is `invalidCredentials`.
    public func authenticate(secret: String) async throws -> Caller {
        guard let secret = try? TokenSecret(secret), let caller = try await store.caller(secretHash: Self.hash(secret)) else {
            throw HubError.invalidCredentials
        }
        return caller
    }

    /// Sign-up in the web UI (when the configuration allows it): a user with a password and no token.
    public func signUp(name: String, password: String) async throws -> User {
        let name = try HubName(name)
        if Self.reservedNamespaces.contains(name.key) {
            throw HubError.invalidName("The name '\(name.value)' is reserved: it is part of the hub's own URLs")
        }
        return try await store.createUser(
            name: name, fullname: name.value, email: nil, isAdmin: false, passwordHash: try PasswordHasher.hash(password),
            firstToken: nil
        ).0
    }

    /// Sets (or, with nil, removes) a user's web password; their open sessions end.
    public func setPassword(_ password: String?, userName: String) async throws {
        let user = try await requireUser(userName)
        try await store.setPasswordHash(try password.map(PasswordHasher.hash), userID: user.id)
    }

    /// Checks a name and password and opens a session: its secret (for the cookie, shown once)
    /// and its CSRF token. A wrong name and a wrong password fail alike.
    public func signIn(name: String, password: String) async throws -> (secret: String, user: User) {
        guard let (user, stored) = try await store.passwordHash(userName: name), let stored,
            PasswordHasher.verify(password, against: stored)
        else {
            throw HubError.invalidCredentials
        }
        let secret = Self.randomSecret()
        try await store.createSession(
            NewSession(
                secretHash: Self.hash(secret), userID: user.id, csrfToken: Self.randomSecret(),
                expiresAt: HubDate.now().addingTimeInterval(Self.sessionLifetime)))
        return (secret, user)
    }

    public static let sessionLifetime: TimeInterval = 30 * 24 * 3600

    /// The caller behind a session cookie, with the session's CSRF token.
    public func session(secret: String) async throws -> (Caller, csrfToken: String)? {
        try await store.session(secretHash: Self.hash(secret), now: HubDate.now())
    }

    public func signOut(secret: String) async throws {
        try await store.deleteSession(secretHash: Self.hash(secret))
    }

    static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func hash(_ secret: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(secret.utf8)))
    }

    /// Turns the site admin flag of a user on or off (operators, at the command line).
    public func setAdmin(_ isAdmin: Bool, userName: String) async throws {
        try await store.setAdmin(isAdmin, userID: try await requireUser(userName).id)
    }

    public func user(named name: String) async throws -> User? {
        try await store.user(named: name)
    }

    private func requireUser(_ name: String) async throws -> User {
        guard let user = try await store.user(named: name) else { throw HubError.userNotFound(name) }
        return user
    }

    /// Top-level URL segments of the hub itself: a user with one of these names would shadow a
    /// route (`/api/…`, `/datasets/…`) or be shadowed by it.
    static let reservedNamespaces: Set<String> = [
        "api", "datasets", "spaces", "models", "kernels", "static", "organizations", "settings", "login",
        "logout", "join", "new", "search", "docs", "collections", "papers", "buckets",
        // The operator's endpoints: /health/live, /health/ready, /metrics, /openapi.json.
        "health", "metrics", "openapi.json",
    ]

    /// Tokens are looked up by the SHA-256 of their secret; the secret itself is never stored.
    static func hash(_ secret: TokenSecret) -> [UInt8] {
        Array(SHA256.hash(data: Array(secret.value.utf8)))
    }

    static func validTokenName(_ name: String) throws(HubError) -> String {
        guard (1...100).contains(name.count),
            !name.containsControlCharacters
        else {
            throw .badRequest("A token name has 1 to 100 printable characters")
        }
        return name
    }
}
