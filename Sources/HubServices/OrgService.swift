import HubCore
import HubIndex

/// Who asks for an organization change: a caller of the API (checked by `AccessPolicy`), or the
/// operator at the command line (who may do anything).
public enum OrgAuthority: Sendable {
    case siteOperator
    case caller(Caller)
}

/// Organizations: creating them, their members and roles, their settings.
public struct OrgService: Sendable {
    let store: any OrgStore
    let accounts: any AccountStore

    /// Creates `name` with `owner` as its first admin.
    public func create(
        name: String, fullname: String?, privateByDefault: Bool, owner: String, by authority: OrgAuthority
    ) async throws -> Organization {
        let name = try HubName(name)
        if AccountService.reservedNamespaces.contains(name.key) {
            throw HubError.invalidName("The name '\(name.value)' is reserved: it is part of the hub's own URLs")
        }
        if case .caller(let caller) = authority {
            guard caller.token.role == .write else {
                throw HubError.forbidden("Creating an organization needs a write token")
            }
        }
        let admin = try await requireUser(owner)
        return try await store.createOrg(
            name: name, fullname: fullname ?? name.value, privateByDefault: privateByDefault, adminUserID: admin.id)
    }

    public func org(named name: String) async throws -> Organization {
        guard let org = try await store.org(named: name) else { throw HubError.orgNotFound(name) }
        return org
    }

    public func orgs() async throws -> [(org: Organization, memberCount: Int)] {
        try await store.orgs()
    }

    public func members(of orgName: String) async throws -> [OrgMember] {
        try await store.members(of: try await org(named: orgName).id)
    }

    /// Adds `userName` to the org with `role`, or changes their role. The last admin cannot be demoted.
    public func setRole(_ role: OrgRole, of userName: String, in orgName: String, by authority: OrgAuthority) async throws {
        let org = try await managed(orgName, by: authority)
        let user = try await requireUser(userName)
        try await store.setRole(role, userID: user.id, orgID: org.id)
    }

    /// Removes `userName` from the org. The last admin cannot be removed.
    public func remove(_ userName: String, from orgName: String, by authority: OrgAuthority) async throws {
        let org = try await managed(orgName, by: authority)
        let user = try await requireUser(userName)
        guard try await store.removeMember(userID: user.id, orgID: org.id) else {
            throw HubError.userNotFound("\(userName) in \(org.name.value)")
        }
    }

    public func updateSettings(
        of orgName: String, fullname: String?, privateByDefault: Bool?, by authority: OrgAuthority
    ) async throws -> Organization {
        let org = try await managed(orgName, by: authority)
        return try await store.updateSettings(orgID: org.id, fullname: fullname, privateByDefault: privateByDefault)
    }

    /// The org, if `authority` may manage it.
    private func managed(_ orgName: String, by authority: OrgAuthority) async throws -> Organization {
        let org = try await org(named: orgName)
        if case .caller(let caller) = authority, !AccessPolicy.mayManage(org: org.name, caller: caller) {
            throw HubError.forbidden("Only an admin of \(org.name.value) can manage its members and settings")
        }
        return org
    }

    private func requireUser(_ name: String) async throws -> User {
        guard let user = try await accounts.user(named: name) else { throw HubError.userNotFound(name) }
        return user
    }
}
