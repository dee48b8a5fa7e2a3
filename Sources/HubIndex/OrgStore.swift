import Foundation
import HubCore

/// Organizations and their members. Any implementation keeps an organization with at least one
/// admin: creating one makes its first admin in the same transaction, and the last admin can be
/// neither demoted nor removed.
public protocol OrgStore: Sendable {
    /// Creates the organization with `adminUserID` as its admin. Throws `conflict` when a user or
    /// an organization already has the name.
    func createOrg(name: HubName, fullname: String, privateByDefault: Bool, adminUserID: Int64) async throws -> Organization
    func org(named name: String) async throws -> Organization?
    /// Every organization with its number of members, by name.
    func orgs() async throws -> [(org: Organization, memberCount: Int)]
    func members(of orgID: Int64) async throws -> [OrgMember]
    /// Adds the user with `role`, or changes their role.
    func setRole(_ role: OrgRole, userID: Int64, orgID: Int64) async throws
    /// Removes the member; false when the user was not one.
    func removeMember(userID: Int64, orgID: Int64) async throws -> Bool
    func updateSettings(orgID: Int64, fullname: String?, privateByDefault: Bool?) async throws -> Organization
    /// The organizations the user belongs to, with their role in each.
    func memberships(userID: Int64) async throws -> [OrgMembership]
}
