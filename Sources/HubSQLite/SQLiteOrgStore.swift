import Foundation
import GRDB
import HubCore
import HubIndex

public struct SQLiteOrgStore: OrgStore {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    public func createOrg(name: HubName, fullname: String, privateByDefault: Bool, adminUserID: Int64) async throws -> Organization {
        let now = HubDate.now()
        return try await database.write { db in
            if try Row.fetchOne(db, sql: "SELECT 1 FROM organizations WHERE name = ?", arguments: [name.value]) != nil {
                throw HubError.conflict("An organization named '\(name.value)' already exists")
            }
            if try Row.fetchOne(db, sql: "SELECT 1 FROM users WHERE name = ?", arguments: [name.value]) != nil {
                throw HubError.conflict("The name '\(name.value)' belongs to a user")
            }
            try db.execute(
                sql: "INSERT INTO organizations (name, fullname, private_by_default, created_at) VALUES (?, ?, ?, ?)",
                arguments: [name.value, fullname, privateByDefault, RowDate.encode(now)])
            let org = Organization(
                id: db.lastInsertedRowID, name: name, fullname: fullname, privateByDefault: privateByDefault, createdAt: now)
            try db.execute(
                sql: "INSERT INTO org_members (org_id, user_id, role, created_at) VALUES (?, ?, 'admin', ?)",
                arguments: [org.id, adminUserID, RowDate.encode(now)])
            return org
        }
    }

    public func org(named name: String) async throws -> Organization? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM organizations WHERE name = ?", arguments: [name]).map(Self.org)
        }
    }

    public func orgs() async throws -> [(org: Organization, memberCount: Int)] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT organizations.*, (SELECT COUNT(*) FROM org_members m WHERE m.org_id = organizations.id) AS members
                    FROM organizations ORDER BY name
                    """
            ).map { (try Self.org($0), $0["members"]) }
        }
    }

    public func members(of orgID: Int64) async throws -> [OrgMember] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT users.*, org_members.role AS member_role FROM org_members JOIN users ON users.id = org_members.user_id
                    WHERE org_members.org_id = ? ORDER BY users.name
                    """,
                arguments: [orgID]
            ).map { row in OrgMember(user: try SQLiteAccountStore.user(row), role: try Self.role(row["member_role"])) }
        }
    }

    public func setRole(_ role: OrgRole, userID: Int64, orgID: Int64) async throws {
        try await database.write { db in
            if role != .admin {
                try Self.keepAnotherAdmin(besides: userID, orgID: orgID, in: db)
            }
            try db.execute(
                sql: """
                    INSERT INTO org_members (org_id, user_id, role, created_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role
                    """,
                arguments: [orgID, userID, role.rawValue, RowDate.encode(HubDate.now())])
        }
    }

    public func removeMember(userID: Int64, orgID: Int64) async throws -> Bool {
        try await database.write { db in
            try Self.keepAnotherAdmin(besides: userID, orgID: orgID, in: db)
            try db.execute(sql: "DELETE FROM org_members WHERE org_id = ? AND user_id = ?", arguments: [orgID, userID])
            return db.changesCount > 0
        }
    }

    /// Refuses to take away the admin role of `userID` when nobody else holds it.
    private static func keepAnotherAdmin(besides userID: Int64, orgID: Int64, in db: Database) throws {
        let role = try String.fetchOne(
            db, sql: "SELECT role FROM org_members WHERE org_id = ? AND user_id = ?", arguments: [orgID, userID])
        guard role == OrgRole.admin.rawValue else { return }
        let others = try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM org_members WHERE org_id = ? AND role = 'admin' AND user_id != ?",
            arguments: [orgID, userID]) ?? 0
        guard others > 0 else {
            throw HubError.conflict("An organization needs at least one admin: make another member admin first")
        }
    }

    public func updateSettings(orgID: Int64, fullname: String?, privateByDefault: Bool?) async throws -> Organization {
        try await database.write { db in
            if let fullname {
                try db.execute(sql: "UPDATE organizations SET fullname = ? WHERE id = ?", arguments: [fullname, orgID])
            }
            if let privateByDefault {
                try db.execute(
                    sql: "UPDATE organizations SET private_by_default = ? WHERE id = ?", arguments: [privateByDefault, orgID])
            }
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM organizations WHERE id = ?", arguments: [orgID]) else {
                throw HubError.orgNotFound(String(orgID))
            }
            return try Self.org(row)
        }
    }

    public func memberships(userID: Int64) async throws -> [OrgMembership] {
        try await database.read { db in try Self.memberships(userID: userID, in: db) }
    }

    static func memberships(userID: Int64, in db: Database) throws -> [OrgMembership] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT organizations.*, org_members.role AS member_role FROM org_members
                JOIN organizations ON organizations.id = org_members.org_id
                WHERE org_members.user_id = ? ORDER BY organizations.name
                """,
            arguments: [userID]
        ).map { OrgMembership(org: try org($0), role: try role($0["member_role"])) }
    }

    static func org(_ row: Row) throws -> Organization {
        Organization(
            id: row["id"], name: try HubName(row["name"]), fullname: row["fullname"],
            privateByDefault: row["private_by_default"], createdAt: RowDate.decode(row["created_at"]))
    }

    static func role(_ text: String) throws -> OrgRole {
        guard let role = OrgRole(rawValue: text) else { throw HubError.internalFailure("unknown org role \(text)") }
        return role
    }
}
