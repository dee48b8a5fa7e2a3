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

/// Users and their access tokens. SQLite today; any implementation keeps `createUser` atomic.
public protocol AccountStore: Sendable {
    /// Creates the user and its first token in one transaction.
    func createUser(
        name: HubName, fullname: String, email: String?, isAdmin: Bool, firstToken: NewToken
    ) async throws -> (User, AccessToken)
    func user(named name: String) async throws -> User?
    func addToken(_ token: NewToken, userID: Int64) async throws -> AccessToken
    func tokens(userID: Int64) async throws -> [AccessToken]
    /// Deletes the named token; false when the user has no token of that name.
    func revokeToken(named name: String, userID: Int64) async throws -> Bool
    /// The caller whose token's secret hashes to `secretHash`: the token (with its scopes), its
    /// owner and the owner's organization roles, read together.
    func caller(secretHash: [UInt8]) async throws -> Caller?
    func setAdmin(_ isAdmin: Bool, userID: Int64) async throws
}
