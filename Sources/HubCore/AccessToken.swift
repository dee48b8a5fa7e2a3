import Foundation

/// A stored access token. The secret itself is never stored, only its SHA-256.
public struct AccessToken: Sendable, Equatable {
    public let id: Int64
    public let userID: Int64
    public let name: String
    public let role: TokenRole
    /// What a fine-grained token grants (empty for the other roles).
    public let scopes: [TokenScope]
    public let createdAt: Date

    public init(id: Int64, userID: Int64, name: String, role: TokenRole, scopes: [TokenScope] = [], createdAt: Date) {
        self.id = id
        self.userID = userID
        self.name = name
        self.role = role
        self.scopes = scopes
        self.createdAt = createdAt
    }
}
