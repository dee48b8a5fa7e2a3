import Foundation
import HubCore
import HubIndex
import PostgresNIO

/// Organizations and their members on PostgreSQL; the same rules as `SQLiteOrgStore`. A change
/// of roles locks the organization's row first, so two admins demoting each other at once cannot
/// both succeed and leave it without one.
public struct PostgresOrgStore: OrgStore {
    let index: PostgresIndex

    public init(index: PostgresIndex) {
        self.index = index
    }

    typealias OrgColumns = (Int64, String, String, Bool, Int64)
    static let orgColumns =
        "organizations.id, organizations.name::text, organizations.fullname, organizations.private_by_default, organizations.created_at"

    public func createOrg(name: HubName, fullname: String, privateByDefault: Bool, adminUserID: Int64) async throws -> Organization {
        let now = HubDate.now()
        let milliseconds = HubDate.milliseconds(now)
        let index = self.index
        return try await index.transaction(conflict: "A user or an organization named '\(name.value)' already exists") {
            connection in
            if try await !index.rows(
                "SELECT 1 FROM organizations WHERE name = \(name.value)::citext", as: (Int32).self, on: connection
            ).isEmpty {
                throw HubError.conflict("An organization named '\(name.value)' already exists")
            }
            if try await !index.rows("SELECT 1 FROM users WHERE name = \(name.value)::citext", as: (Int32).self, on: connection).isEmpty {
                throw HubError.conflict("The name '\(name.value)' belongs to a user")
            }
            let ids = try await index.rows(
                """
                INSERT INTO organizations (name, fullname, private_by_default, created_at)
                VALUES (\(name.value), \(fullname), \(privateByDefault), \(milliseconds)) RETURNING id
                """, as: (Int64).self, on: connection)
            guard let id = ids.first else { throw HubError.internalFailure("INSERT INTO organizations returned no id") }
            try await index.execute(
                """
                INSERT INTO org_members (org_id, user_id, role, created_at)
                VALUES (\(id), \(adminUserID), 'admin', \(milliseconds))
                """, on: connection)
            return Organization(id: id, name: name, fullname: fullname, privateByDefault: privateByDefault, createdAt: now)
        }
    }

    public func org(named name: String) async throws -> Organization? {
        try await index.rows(
            "SELECT \(unescaped: Self.orgColumns) FROM organizations WHERE name = \(name)::citext", as: OrgColumns.self
        ).first.map(Self.org)
    }

    public func orgs() async throws -> [(org: Organization, memberCount: Int)] {
        try await index.rows(
            """
            SELECT \(unescaped: Self.orgColumns), (SELECT COUNT(*) FROM org_members m WHERE m.org_id = organizations.id)
            FROM organizations ORDER BY name
            """, as: (Int64, String, String, Bool, Int64, Int64).self
        ).map { row in (try Self.org((row.0, row.1, row.2, row.3, row.4)), Int(row.5)) }
    }

    public func members(of orgID: Int64) async throws -> [OrgMember] {
        try await index.rows(
            """
            SELECT \(unescaped: PostgresAccountStore.userColumns), org_members.role FROM org_members
            JOIN users ON users.id = org_members.user_id WHERE org_members.org_id = \(orgID) ORDER BY users.name
            """, as: (Int64, String, String, String?, Bool, Int64, String).self
        ).map { row in
            OrgMember(user: try PostgresAccountStore.user((row.0, row.1, row.2, row.3, row.4, row.5)), role: try Self.role(row.6))
        }
    }

    public func setRole(_ role: OrgRole, userID: Int64, orgID: Int64) async throws {
        let index = self.index
        try await index.transaction { connection in
            try await Self.lock(orgID, index: index, on: connection)
            if role != .admin {
                try await Self.keepAnotherAdmin(besides: userID, orgID: orgID, index: index, on: connection)
            }
            try await index.execute(
                """
                INSERT INTO org_members (org_id, user_id, role, created_at)
                VALUES (\(orgID), \(userID), \(role.rawValue), \(HubDate.milliseconds(HubDate.now())))
                ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role
                """, on: connection)
        }
    }

    public func removeMember(userID: Int64, orgID: Int64) async throws -> Bool {
        let index = self.index
        return try await index.transaction { connection in
            try await Self.lock(orgID, index: index, on: connection)
            try await Self.keepAnotherAdmin(besides: userID, orgID: orgID, index: index, on: connection)
            return try await !index.rows(
                "DELETE FROM org_members WHERE org_id = \(orgID) AND user_id = \(userID) RETURNING user_id",
                as: (Int64).self, on: connection
            ).isEmpty
        }
    }

    public func updateSettings(orgID: Int64, fullname: String?, privateByDefault: Bool?) async throws -> Organization {
        let index = self.index
        return try await index.transaction { connection in
            if let fullname {
                try await index.execute("UPDATE organizations SET fullname = \(fullname) WHERE id = \(orgID)", on: connection)
            }
            if let privateByDefault {
                try await index.execute(
                    "UPDATE organizations SET private_by_default = \(privateByDefault) WHERE id = \(orgID)", on: connection)
            }
            guard let row = try await index.rows(
                "SELECT \(unescaped: Self.orgColumns) FROM organizations WHERE id = \(orgID)", as: OrgColumns.self,
                on: connection
            ).first else { throw HubError.orgNotFound(String(orgID)) }
            return try Self.org(row)
        }
    }

    public func memberships(userID: Int64) async throws -> [OrgMembership] {
        try await index.rows(
            """
            SELECT \(unescaped: Self.orgColumns), org_members.role FROM org_members
            JOIN organizations ON organizations.id = org_members.org_id
            WHERE org_members.user_id = \(userID) ORDER BY organizations.name
            """, as: (Int64, String, String, Bool, Int64, String).self
        ).map { row in OrgMembership(org: try Self.org((row.0, row.1, row.2, row.3, row.4)), role: try Self.role(row.5)) }
    }

    // MARK: Rows

    private static func lock(_ orgID: Int64, index: PostgresIndex, on connection: PostgresConnection) async throws {
        _ = try await index.rows("SELECT id FROM organizations WHERE id = \(orgID) FOR UPDATE", as: (Int64).self, on: connection)
    }

    /// Refuses to take away the admin role of `userID` when nobody else holds it.
    private static func keepAnotherAdmin(
        besides userID: Int64, orgID: Int64, index: PostgresIndex, on connection: PostgresConnection
    ) async throws {
        let role = try await index.rows(
            "SELECT role FROM org_members WHERE org_id = \(orgID) AND user_id = \(userID)", as: (String).self, on: connection
        ).first
        guard role == OrgRole.admin.rawValue else { return }
        let counts: [Int64] = try await index.rows(
            "SELECT COUNT(*) FROM org_members WHERE org_id = \(orgID) AND role = 'admin' AND user_id != \(userID)",
            as: (Int64).self, on: connection)
        guard let others = counts.first, others > 0 else {
            throw HubError.conflict("An organization needs at least one admin: make another member admin first")
        }
    }

    static func org(_ row: OrgColumns) throws -> Organization {
        Organization(
            id: row.0, name: try HubName(row.1), fullname: row.2, privateByDefault: row.3,
            createdAt: HubDate.date(milliseconds: row.4))
    }

    static func role(_ text: String) throws -> OrgRole {
        guard let role = OrgRole(rawValue: text) else { throw HubError.internalFailure("unknown organization role \(text)") }
        return role
    }
}
