import Foundation

/// A namespace owned by a group of users with roles. Users and organizations share one set of
/// names (case ignored).
public struct Organization: Sendable, Equatable {
    public let id: Int64
    public let name: HubName
    public let fullname: String
    /// New repositories of the org are private unless their creator says otherwise.
    public let privateByDefault: Bool
    public let createdAt: Date

    public init(id: Int64, name: HubName, fullname: String, privateByDefault: Bool, createdAt: Date) {
        self.id = id
        self.name = name
        self.fullname = fullname
        self.privateByDefault = privateByDefault
        self.createdAt = createdAt
    }
}

/// A user's membership of an organization.
public struct OrgMembership: Sendable, Equatable {
    public let org: Organization
    public let role: OrgRole

    public init(org: Organization, role: OrgRole) {
        self.org = org
        self.role = role
    }
}

/// A member of an organization, as the members list shows them.
public struct OrgMember: Sendable, Equatable {
    public let user: User
    public let role: OrgRole

    public init(user: User, role: OrgRole) {
        self.user = user
        self.role = role
    }
}
