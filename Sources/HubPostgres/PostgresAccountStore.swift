import Foundation
import HubCore
import HubIndex
import NIOCore
import PostgresNIO

/// Users, tokens and web sessions on PostgreSQL; the same rules as `SQLiteAccountStore`.
public struct PostgresAccountStore: AccountStore {
    let index: PostgresIndex

    public init(index: PostgresIndex) {
        self.index = index
    }

    typealias UserColumns = (Int64, String, String, String?, Bool, Int64)
    static let userColumns = "users.id, users.name::text, users.fullname, users.email, users.is_admin, users.created_at"

    public func createUser(
        name: HubName, fullname: String, email: String?, isAdmin: Bool, passwordHash: String?, firstToken: NewToken?
    ) async throws -> (User, AccessToken?) {
        let now = HubDate.now()
        let milliseconds = HubDate.milliseconds(now)
        let index = self.index
        // The checks give the clear message; the unique keys and the namespace trigger settle a race.
        return try await index.transaction(conflict: "A user or an organization named '\(name.value)' already exists") {
            connection in
            if try await !index.rows("SELECT 1 FROM users WHERE name = \(name.value)::citext", as: (Int32).self, on: connection).isEmpty {
                throw HubError.conflict("A user named '\(name.value)' already exists")
            }
            if try await !index.rows(
                "SELECT 1 FROM organizations WHERE name = \(name.value)::citext", as: (Int32).self, on: connection
            ).isEmpty {
                throw HubError.conflict("The name '\(name.value)' belongs to an organization")
            }
            let ids = try await index.rows(
                """
                INSERT INTO users (name, fullname, email, is_admin, password_hash, created_at)
                VALUES (\(name.value), \(fullname), \(email), \(isAdmin), \(passwordHash), \(milliseconds)) RETURNING id
                """, as: (Int64).self, on: connection)
            guard let id = ids.first else { throw HubError.internalFailure("INSERT INTO users returned no id") }
            let user = User(id: id, name: name, fullname: fullname, email: email, isAdmin: isAdmin, createdAt: now)
            var token: AccessToken?
            if let firstToken { token = try await Self.insert(firstToken, userID: id, at: now, index: index, on: connection) }
            return (user, token)
        }
    }

    public func user(named name: String) async throws -> User? {
        try await index.rows(
            "SELECT \(unescaped: Self.userColumns) FROM users WHERE name = \(name)::citext", as: UserColumns.self
        ).first.map(Self.user)
    }

    public func addToken(_ token: NewToken, userID: Int64) async throws -> AccessToken {
        let index = self.index
        return try await index.transaction(conflict: "This token name or value is already in use") { connection in
            try await Self.insert(token, userID: userID, at: HubDate.now(), index: index, on: connection)
        }
    }

    public func tokens(userID: Int64) async throws -> [AccessToken] {
        let rows = try await index.rows(
            "SELECT id, user_id, name, role, created_at FROM tokens WHERE user_id = \(userID) ORDER BY id",
            as: (Int64, Int64, String, String, Int64).self)
        var tokens: [AccessToken] = []
        for row in rows { tokens.append(try await token(row)) }
        return tokens
    }

    public func revokeToken(named name: String, userID: Int64) async throws -> Bool {
        try await !index.rows(
            "DELETE FROM tokens WHERE user_id = \(userID) AND name = \(name) RETURNING id", as: (Int64).self
        ).isEmpty
    }

    public func caller(secretHash: [UInt8]) async throws -> Caller? {
        // Every authenticated request asks this: the token, its user and their organizations
        // come in one round trip (a row per membership, or one with no organization).
        let rows = try await index.rows(
            """
            SELECT tokens.id, tokens.user_id, tokens.name, tokens.role, tokens.created_at,
                   \(unescaped: Self.userColumns), \(unescaped: Self.membershipColumns)
            FROM tokens JOIN users ON users.id = tokens.user_id \(unescaped: Self.membershipJoins)
            WHERE tokens.secret_hash = \(ByteBuffer(bytes: secretHash)) ORDER BY organizations.name
            """,
            as: (Int64, Int64, String, String, Int64, Int64, String, String, String?, Bool, Int64, Int64?, String?, String?, Bool?,
                Int64?, String?).self)
        guard let first = rows.first else { return nil }
        let token = try await token((first.0, first.1, first.2, first.3, first.4))
        return Caller(
            user: try Self.user((first.5, first.6, first.7, first.8, first.9, first.10)), token: token,
            memberships: try Self.memberships(rows.map { ($0.11, $0.12, $0.13, $0.14, $0.15, $0.16) }))
    }

    public func setAdmin(_ isAdmin: Bool, userID: Int64) async throws {
        try await index.execute("UPDATE users SET is_admin = \(isAdmin) WHERE id = \(userID)")
    }

    public func setPasswordHash(_ hash: String?, userID: Int64) async throws {
        let index = self.index
        try await index.transaction { connection in
            try await index.execute("UPDATE users SET password_hash = \(hash) WHERE id = \(userID)", on: connection)
            // A new password ends every session that the old one opened.
            try await index.execute("DELETE FROM sessions WHERE user_id = \(userID)", on: connection)
        }
    }

    public func passwordHash(userName: String) async throws -> (User, String?)? {
        guard let row = try await index.rows(
            "SELECT \(unescaped: Self.userColumns), password_hash FROM users WHERE name = \(userName)::citext",
            as: (Int64, String, String, String?, Bool, Int64, String?).self
        ).first else { return nil }
        return (try Self.user((row.0, row.1, row.2, row.3, row.4, row.5)), row.6)
    }

    public func createSession(_ session: NewSession) async throws {
        let now = HubDate.milliseconds(HubDate.now())
        let index = self.index
        try await index.transaction { connection in
            try await index.execute("DELETE FROM sessions WHERE expires_at < \(now)", on: connection)
            try await index.execute(
                """
                INSERT INTO sessions (secret_hash, user_id, csrf_token, created_at, expires_at)
                VALUES (\(ByteBuffer(bytes: session.secretHash)), \(session.userID), \(session.csrfToken), \(now),
                        \(HubDate.milliseconds(session.expiresAt)))
                """, on: connection)
        }
    }

    public func session(secretHash: [UInt8], now: Date) async throws -> (Caller, csrfToken: String)? {
        let rows = try await index.rows(
            """
            SELECT sessions.csrf_token, sessions.created_at, \(unescaped: Self.userColumns), \(unescaped: Self.membershipColumns)
            FROM sessions JOIN users ON users.id = sessions.user_id \(unescaped: Self.membershipJoins)
            WHERE sessions.secret_hash = \(ByteBuffer(bytes: secretHash)) AND sessions.expires_at > \(HubDate.milliseconds(now))
            ORDER BY organizations.name
            """,
            as: (String, Int64, Int64, String, String, String?, Bool, Int64, Int64?, String?, String?, Bool?, Int64?, String?).self)
        guard let first = rows.first else { return nil }
        let user = try Self.user((first.2, first.3, first.4, first.5, first.6, first.7))
        // A session acts with all its user's rights, as a write token would.
        let token = AccessToken(
            id: 0, userID: user.id, name: "web session", role: .write, createdAt: HubDate.date(milliseconds: first.1))
        let caller = Caller(
            user: user, token: token, memberships: try Self.memberships(rows.map { ($0.8, $0.9, $0.10, $0.11, $0.12, $0.13) }))
        return (caller, first.0)
    }

    public func deleteSession(secretHash: [UInt8]) async throws {
        try await index.execute("DELETE FROM sessions WHERE secret_hash = \(ByteBuffer(bytes: secretHash))")
    }

    // MARK: Rows

    private static func insert(
        _ token: NewToken, userID: Int64, at now: Date, index: PostgresIndex, on connection: PostgresConnection
    ) async throws -> AccessToken {
        if try await !index.rows(
            "SELECT 1 FROM tokens WHERE user_id = \(userID) AND name = \(token.name)", as: (Int32).self, on: connection
        ).isEmpty {
            throw HubError.conflict("This user already has a token named '\(token.name)'")
        }
        let secret = ByteBuffer(bytes: token.secretHash)
        if try await !index.rows("SELECT 1 FROM tokens WHERE secret_hash = \(secret)", as: (Int32).self, on: connection).isEmpty {
            throw HubError.conflict("This token value is already in use")
        }
        let ids = try await index.rows(
            """
            INSERT INTO tokens (user_id, name, role, secret_hash, created_at)
            VALUES (\(userID), \(token.name), \(token.role.rawValue), \(secret), \(HubDate.milliseconds(now))) RETURNING id
            """, as: (Int64).self, on: connection)
        guard let tokenID = ids.first else { throw HubError.internalFailure("INSERT INTO tokens returned no id") }
        for scope in token.scopes {
            let (kind, entity) = TokenScopeColumns.columns(of: scope.entity)
            try await index.execute(
                """
                INSERT INTO token_scopes (token_id, kind, entity, permission)
                VALUES (\(tokenID), \(kind), \(entity), \(scope.permission.rawValue))
                ON CONFLICT (token_id, kind, entity) DO UPDATE SET permission = excluded.permission
                """, on: connection)
        }
        return AccessToken(
            id: tokenID, userID: userID, name: token.name, role: token.role, scopes: token.scopes, createdAt: now)
    }

    /// A user's organizations and roles, joined to a query of `users` by `membershipJoins`: NULL
    /// in every one of them when the user belongs to none.
    static let membershipColumns = PostgresOrgStore.orgColumns + ", org_members.role"
    static let membershipJoins = """
        LEFT JOIN org_members ON org_members.user_id = users.id
        LEFT JOIN organizations ON organizations.id = org_members.org_id
        """

    static func memberships(_ rows: [(Int64?, String?, String?, Bool?, Int64?, String?)]) throws -> [OrgMembership] {
        try rows.compactMap { row in
            guard let id = row.0, let name = row.1, let fullname = row.2, let privateByDefault = row.3, let createdAt = row.4,
                let role = row.5
            else { return nil }
            return OrgMembership(
                org: try PostgresOrgStore.org((id, name, fullname, privateByDefault, createdAt)),
                role: try PostgresOrgStore.role(role))
        }
    }

    static func user(_ row: UserColumns) throws -> User {
        User(
            id: row.0, name: try HubName(row.1), fullname: row.2, email: row.3, isAdmin: row.4,
            createdAt: HubDate.date(milliseconds: row.5))
    }

    private func token(_ row: (Int64, Int64, String, String, Int64)) async throws -> AccessToken {
        let (id, userID, name, roleName, createdAt) = row
        guard let role = TokenRole(rawValue: roleName) else {
            throw HubError.internalFailure("token \(id) has an unknown role")
        }
        var scopes: [TokenScope] = []
        if role == .fineGrained {
            for (kind, entity, permission) in try await index.rows(
                "SELECT kind, entity::text, permission FROM token_scopes WHERE token_id = \(id) ORDER BY kind, entity",
                as: (String, String, String).self)
            {
                scopes.append(try TokenScopeColumns.scope(kind: kind, entity: entity, permission: permission))
            }
        }
        return AccessToken(
            id: id, userID: userID, name: name, role: role, scopes: scopes, createdAt: HubDate.date(milliseconds: createdAt))
    }
}
