import Foundation
import HubCore
import HubIndex
import PostgresNIO

public struct PostgresAccessRequestStore: AccessRequestStore {
    let index: PostgresIndex

    public init(index: PostgresIndex) {
        self.index = index
    }

    static let columns = """
        access_requests.id, access_requests.status, access_requests.fields, access_requests.rejection_reason,
        access_requests.updated_at, \(PostgresAccountStore.userColumns)
        """
    typealias Columns = (Int64, String, String?, String?, Int64, Int64, String, String, String?, Bool, Int64)

    public func request(repo repoRowID: Int64, userID: Int64, fieldsJSON: String?, status: AccessRequestStatus) async throws
        -> AccessRequest
    {
        let now = HubDate.milliseconds(HubDate.now())
        let index = self.index
        return try await index.transaction { connection in
            try await index.execute(
                """
                INSERT INTO access_requests (repo_id, user_id, status, fields, created_at, updated_at)
                VALUES (\(repoRowID), \(userID), \(status.rawValue), \(fieldsJSON), \(now), \(now))
                ON CONFLICT (repo_id, user_id) DO NOTHING
                """, on: connection)
            guard let row = try await index.rows(
                """
                SELECT \(unescaped: Self.columns) FROM access_requests JOIN users ON users.id = access_requests.user_id
                WHERE access_requests.repo_id = \(repoRowID) AND access_requests.user_id = \(userID)
                """, as: Columns.self, on: connection
            ).first else { throw HubError.internalFailure("the access request just made is missing") }
            return try Self.request(row)
        }
    }

    public func status(repo repoRowID: Int64, userID: Int64) async throws -> AccessRequestStatus? {
        try await index.rows(
            "SELECT status FROM access_requests WHERE repo_id = \(repoRowID) AND user_id = \(userID)", as: (String).self
        ).first.flatMap(AccessRequestStatus.init(rawValue:))
    }

    public func requests(repo repoRowID: Int64, status: AccessRequestStatus) async throws -> [AccessRequest] {
        try await index.rows(
            """
            SELECT \(unescaped: Self.columns) FROM access_requests JOIN users ON users.id = access_requests.user_id
            WHERE access_requests.repo_id = \(repoRowID) AND access_requests.status = \(status.rawValue)
            ORDER BY access_requests.created_at, access_requests.id
            """, as: Columns.self
        ).map(Self.request)
    }

    public func decide(
        repo repoRowID: Int64, userID: Int64, status: AccessRequestStatus, rejectionReason: String?, creating: Bool
    ) async throws -> Bool {
        let now = HubDate.milliseconds(HubDate.now())
        if creating {
            try await index.execute(
                """
                INSERT INTO access_requests (repo_id, user_id, status, rejection_reason, created_at, updated_at)
                VALUES (\(repoRowID), \(userID), \(status.rawValue), \(rejectionReason), \(now), \(now))
                ON CONFLICT (repo_id, user_id) DO UPDATE SET status = excluded.status,
                    rejection_reason = excluded.rejection_reason, updated_at = excluded.updated_at
                """)
            return true
        }
        return try await !index.rows(
            """
            UPDATE access_requests SET status = \(status.rawValue), rejection_reason = \(rejectionReason), updated_at = \(now)
            WHERE repo_id = \(repoRowID) AND user_id = \(userID) RETURNING id
            """, as: (Int64).self
        ).isEmpty
    }

    static func request(_ row: Columns) throws -> AccessRequest {
        guard let status = AccessRequestStatus(rawValue: row.1) else {
            throw HubError.internalFailure("access request \(row.0) has an unknown status")
        }
        let user = try PostgresAccountStore.user((row.5, row.6, row.7, row.8, row.9, row.10))
        return AccessRequest(
            id: row.0, user: user, status: status, fieldsJSON: row.2, rejectionReason: row.3,
            updatedAt: HubDate.date(milliseconds: row.4))
    }
}
