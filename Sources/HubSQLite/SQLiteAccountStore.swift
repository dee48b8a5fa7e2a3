import Foundation
import GRDB
import HubCore
import HubIndex

public struct SQLiteAccountStore: AccountStore {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    public func createUser(
        name: HubName, fullname: String, email: String?, isAdmin: Bool, passwordHash: String?, firstToken: NewToken?
    ) async throws -> (User, AccessToken?) {
        let now = HubDate.now()
        return try await database.write { db in
            if try Row.fetchOne(db, sql: "SELECT 1 FROM users WHERE name = ?", arguments: [name.value]) != nil {
                throw HubError.conflict("A user named '\(name.value)' already exists")
            }
            if try Row.fetchOne(db, sql: "SELECT 1 FROM organizations WHERE name = ?", arguments: [name.value]) != nil {
                throw HubError.conflict("The name '\(name.value)' belongs to an organization")
            }
            try db.execute(
                sql: "INSERT INTO users (name, fullname, email, is_admin, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [name.value, fullname, email, isAdmin, passwordHash, RowDate.encode(now)])
            let user = User(
                id: db.lastInsertedRowID, name: name, fullname: fullname, email: email,
                isAdmin: isAdmin, createdAt: now)
            let token = try firstToken.map { try Self.insert($0, userID: user.id, at: now, in: db) }
            return (user, token)
        }
    }

    public func user(named name: String) async throws -> User? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM users WHERE name = ?", arguments: [name]).map(Self.user)
        }
    }

    public func addToken(_ token: NewToken, userID: Int64) async throws -> AccessToken {
        try await database.write { db in
            try Self.insert(token, userID: userID, at: HubDate.now(), in: db)
        }
    }

    public func tokens(userID: Int64) async throws -> [AccessToken] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM tokens WHERE user_id = ? ORDER BY id", arguments: [userID])
                .map { try Self.token($0, in: db) }
        }
    }

    public func revokeToken(named name: String, userID: Int64) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM tokens WHERE user_id = ? AND name = ?", arguments: [userID, name])
            return db.changesCount > 0
        }
    }

    public func caller(secretHash: [UInt8]) async throws -> Caller? {
        try await database.read { db in
            guard let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM tokens WHERE secret_hash = ?"), arguments: [Data(secretHash)])
            else { return nil }
            let token = try Self.token(row, in: db)
            guard let owner = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM users WHERE id = ?"), arguments: [token.userID])
            else { return nil }
            return Caller(
                user: try Self.user(owner), token: token,
                memberships: try SQLiteOrgStore.memberships(userID: token.userID, in: db))
        }
    }

    public func setPasswordHash(_ hash: String?, userID: Int64) async throws {
        try await database.write { db in
            try db.execute(sql: "UPDATE users SET password_hash = ? WHERE id = ?", arguments: [hash, userID])
            // A new password ends every session that the old one opened.
            try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [userID])
        }
    }

    public func passwordHash(userName: String) async throws -> (User, String?)? {
        try await database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM users WHERE name = ?", arguments: [userName]) else {
                return nil
            }
            return (try Self.user(row), row["password_hash"])
        }
    }

    public func createSession(_ session: NewSession) async throws {
        let now = RowDate.encode(HubDate.now())
        try await database.write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE expires_at < ?", arguments: [now])
            try db.execute(
                sql: "INSERT INTO sessions (secret_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [Data(session.secretHash), session.userID, session.csrfToken, now, RowDate.encode(session.expiresAt)])
        }
    }

    public func session(secretHash: [UInt8], now: Date) async throws -> (Caller, csrfToken: String)? {
        try await database.read { db in
            guard let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM sessions WHERE secret_hash = ? AND expires_at > ?"),
                arguments: [Data(secretHash), RowDate.encode(now)])
            else { return nil }
            let userID: Int64 = row["user_id"]
            guard let owner = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM users WHERE id = ?"), arguments: [userID])
            else { return nil }
            // A session acts with all its user's rights, as a write token would.
            let token = AccessToken(
                id: 0, userID: userID, name: "web session", role: .write, createdAt: RowDate.decode(row["created_at"]))
            let caller = Caller(
                user: try Self.user(owner), token: token, memberships: try SQLiteOrgStore.memberships(userID: userID, in: db))
            return (caller, row["csrf_token"])
        }
    }

    public func deleteSession(secretHash: [UInt8]) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE secret_hash = ?", arguments: [Data(secretHash)])
        }
    }

    public func setAdmin(_ isAdmin: Bool, userID: Int64) async throws {
        try await database.write { db in
            try db.execute(sql: "UPDATE users SET is_admin = ? WHERE id = ?", arguments: [isAdmin, userID])
        }
    }

    private static func insert(_ token: NewToken, userID: Int64, at now: Date, in db: Database) throws -> AccessToken {
        if try Row.fetchOne(
            db, sql: "SELECT 1 FROM tokens WHERE user_id = ? AND name = ?", arguments: [userID, token.name]) != nil
        {
            throw HubError.conflict("This user already has a token named '\(token.name)'")
        }
        if try Row.fetchOne(
            db, sql: "SELECT 1 FROM tokens WHERE secret_hash = ?", arguments: [Data(token.secretHash)]) != nil
        {
            throw HubError.conflict("This token value is already in use")
        }
        try db.execute(
            sql: "INSERT INTO tokens (user_id, name, role, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [userID, token.name, token.role.rawValue, Data(token.secretHash), RowDate.encode(now)])
        let tokenID = db.lastInsertedRowID
        for scope in token.scopes {
            let (kind, entity) = TokenScopeColumns.columns(of: scope.entity)
            try db.execute(
                sql: "INSERT OR REPLACE INTO token_scopes (token_id, kind, entity, permission) VALUES (?, ?, ?, ?)",
                arguments: [tokenID, kind, entity, scope.permission.rawValue])
        }
        return AccessToken(
            id: tokenID, userID: userID, name: token.name, role: token.role, scopes: token.scopes, createdAt: now)
    }

    static func user(_ row: Row) throws -> User {
        User(
            id: row["id"], name: try HubName(row["name"]), fullname: row["fullname"], email: row["email"],
            isAdmin: row["is_admin"], createdAt: RowDate.decode(row["created_at"]))
    }

    private static func token(_ row: Row, in db: Database) throws -> AccessToken {
        guard let role = TokenRole(rawValue: row["role"]) else {
            throw HubError.internalFailure("token \(row["id"] as Int64) has an unknown role")
        }
        let scopes = role == .fineGrained
            ? try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM token_scopes WHERE token_id = ? ORDER BY kind, entity"),
                arguments: [row["id"] as Int64]
            ).map(Self.scope)
            : []
        return AccessToken(
            id: row["id"], userID: row["user_id"], name: row["name"], role: role, scopes: scopes,
            createdAt: RowDate.decode(row["created_at"]))
    }

    static func scope(_ row: Row) throws -> TokenScope {
        try TokenScopeColumns.scope(kind: row["kind"], entity: row["entity"], permission: row["permission"])
    }
}
