/// Who is making a request: a user acting through one of their tokens, with the organizations
/// they belong to. Anonymous requests have no `Caller` (an optional `nil`).
public struct Caller: Sendable {
    public let user: User
    public let token: AccessToken
    /// The user's roles, by organization name key (lowercased).
    public let roles: [String: OrgRole]
    public let memberships: [OrgMembership]

    public init(user: User, token: AccessToken, memberships: [OrgMembership] = []) {
        self.user = user
        self.token = token
        self.memberships = memberships
        self.roles = Dictionary(memberships.map { ($0.org.name.key, $0.role) }, uniquingKeysWith: max)
    }

    /// The user's role in the organization `namespace` names, if any.
    public func role(in namespace: HubName) -> OrgRole? {
        roles[namespace.key]
    }
}
