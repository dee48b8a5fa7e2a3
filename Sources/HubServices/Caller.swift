import HubCore

/// Who is making a request: a user acting through one of their tokens.
/// Anonymous requests have no `Caller` (an optional `nil`).
public struct Caller: Sendable {
    public let user: User
    public let token: AccessToken

    public init(user: User, token: AccessToken) {
        self.user = user
        self.token = token
    }

    /// Whether this caller owns `namespace` (for now every namespace is a user's).
    public func owns(_ namespace: HubName) -> Bool {
        user.name.key == namespace.key
    }
}
