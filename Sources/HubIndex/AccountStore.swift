import Foundation
import HubCore

/// A token about to be stored: its name, role, scopes (fine-grained tokens) and the SHA-256 of
/// its secret.
public struct NewToken: Sendable {
    public let name: String
    public let role: TokenRole
    public let scopes: [TokenScope]
    public let secretHash: [UInt8]

    public init(name: String, role: TokenRole, scopes: [TokenScope] = [], secretHash: [UInt8]) {
        self.name = name
        self.role = role
        self.scopes = scopes
        self.secretHash = secretHash
    }
}

/// A web session about to be stored (only the SHA-256 of its secret).
public struct NewSession: Sendable {
    public let secretHash: [UInt8]
    public let userID: Int64
    public let csrfToken: String
    public let expiresAt: Date

    public init(secretHash: [UInt8], userID: Int64, csrfToken: String, expiresAt: Date) {
        self.secretHash = secretHash
        self.userID = userID
        self.csrfToken = csrfToken
        self.expiresAt = expiresAt
    }
}

/// Users and their access tokens. SQLite today; any implementation keeps `createUser` atomic.
public protocol AccountStore: Sendable {
    /// Creates the user (with a password, for the web UI) and its first token in one transaction.
    func createUser(
        name: HubName, fullname: String, email: String?, isAdmin: Bool, passwordHash: String?, firstToken: NewToken?
    ) async throws -> (User, AccessToken?)
    func user(named name: String) async throws -> User?
    func addToken(_ token: NewToken, userID: Int64) async throws -> AccessToken
    func tokens(userID: Int64) async throws -> [AccessToken]
    /// Deletes the named token; false when the user has no token of that name.
    func revokeToken(named name: String, userID: Int64) async throws -> Bool
    /// The caller whose token's secret hashes to `secretHash`: the token (with its scopes), its
    /// owner and the owner's organization roles, read together.
    func caller(secretHash: [UInt8]) async throws -> Caller?
    func setAdmin(_ isAdmin: Bool, userID: Int64) async throws
    func setPasswordHash(_ hash: String?, userID: Int64) async throws
    /// The stored password hash of `userName`, with the user; nil when there is no such user.
    func passwordHash(userName: String) async throws -> (User, String?)?
    func createSession(_ session: NewSession) async throws
    /// The caller a session's secret stands for (with the session's CSRF token), if the session
    /// exists and has not expired.
    func session(secretHash: [UInt8], now: Date) async throws -> (Caller, csrfToken: String)?
    func deleteSession(secretHash: [UInt8]) async throws
}
