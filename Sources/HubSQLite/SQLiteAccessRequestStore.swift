import Foundation
import GRDB
import HubCore
import HubIndex

public struct SQLiteAccessRequestStore: AccessRequestStore {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    static let select = """
        SELECT access_requests.id AS request_id, access_requests.status, access_requests.fields,
               access_requests.rejection_reason, access_requests.updated_at AS request_updated_at, users.*
        FROM access_requests JOIN users ON users.id = access_requests.user_id
        """

    public func request(repo repoRowID: Int64, userID: Int64, fieldsJSON: String?, status: AccessRequestStatus) async throws
        -> AccessRequest
    {
        let now = RowDate.encode(HubDate.now())
        return try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO access_requests (repo_id, user_id, status, fields, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (repo_id, user_id) DO NOTHING
                    """,
                arguments: [repoRowID, userID, status.rawValue, fieldsJSON, now, now])
            guard let row = try Row.fetchOne(
                db, sql: Self.select + " WHERE access_requests.repo_id = ? AND access_requests.user_id = ?",
                arguments: [repoRowID, userID])
            else { throw HubError.internalFailure("the access request just made is missing") }
            return try Self.request(row)
        }
    }

    public func status(repo repoRowID: Int64, userID: Int64) async throws -> AccessRequestStatus? {
        try await database.read { db in
            try String.fetchOne(
                db, sql: "SELECT status FROM access_requests WHERE repo_id = ? AND user_id = ?", arguments: [repoRowID, userID]
            ).flatMap(AccessRequestStatus.init(rawValue:))
        }
    }

    public func requests(repo repoRowID: Int64, status: AccessRequestStatus) async throws -> [AccessRequest] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: Self.select + " WHERE access_requests.repo_id = ? AND access_requests.status = ? ORDER BY access_requests.created_at, access_requests.id",
                arguments: [repoRowID, status.rawValue]
            ).map(Self.request)
        }
    }

    public func decide(
        repo repoRowID: Int64, userID: Int64, status: AccessRequestStatus, rejectionReason: String?, creating: Bool
    ) async throws -> Bool {
        let now = RowDate.encode(HubDate.now())
        return try await database.write { db in
            if creating {
                try db.execute(
                    sql: """
                        INSERT INTO access_requests (repo_id, user_id, status, rejection_reason, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (repo_id, user_id) DO UPDATE SET status = excluded.status,
                            rejection_reason = excluded.rejection_reason, updated_at = excluded.updated_at
                        """,
                    arguments: [repoRowID, userID, status.rawValue, rejectionReason, now, now])
                return true
            }
            try db.execute(
                sql: "UPDATE access_requests SET status = ?, rejection_reason = ?, updated_at = ? WHERE repo_id = ? AND user_id = ?",
                arguments: [status.rawValue, rejectionReason, now, repoRowID, userID])
            return db.changesCount > 0
        }
    }

    static func request(_ row: Row) throws -> AccessRequest {
        guard let status = AccessRequestStatus(rawValue: row["status"]) else {
            throw HubError.internalFailure("access request \(row["request_id"] as Int64) has an unknown status")
        }
        return AccessRequest(
            id: row["request_id"], user: try SQLiteAccountStore.user(row), status: status, fieldsJSON: row["fields"],
            rejectionReason: row["rejection_reason"], updatedAt: RowDate.decode(row["request_updated_at"]))
    }
}
