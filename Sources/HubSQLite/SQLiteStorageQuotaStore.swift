import GRDB
import HubCore
import HubIndex

public struct SQLiteStorageQuotaStore: StorageQuotaStore {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    public func storageQuota(of namespace: HubName) async throws -> Int64? {
        try await database.read { db in
            try Int64.fetchOne(
                db,
                sql: """
                    SELECT storage_quota FROM users WHERE name = ?
                    UNION ALL SELECT storage_quota FROM organizations WHERE name = ?
                    """,
                arguments: [namespace.value, namespace.value])
        }
    }

    public func setStorageQuota(_ bytes: Int64?, of namespace: HubName) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "UPDATE users SET storage_quota = ? WHERE name = ?", arguments: [bytes, namespace.value])
            if db.changesCount > 0 { return true }
            try db.execute(
                sql: "UPDATE organizations SET storage_quota = ? WHERE name = ?", arguments: [bytes, namespace.value])
            return db.changesCount > 0
        }
    }

    public func storageQuotas() async throws -> [(namespace: HubName, bytes: Int64)] {
        let rows = try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT name, storage_quota FROM users WHERE storage_quota IS NOT NULL
                    UNION ALL SELECT name, storage_quota FROM organizations WHERE storage_quota IS NOT NULL
                    ORDER BY name COLLATE NOCASE
                    """
            ).map { (name: $0["name"] as String, bytes: $0["storage_quota"] as Int64) }
        }
        return try rows.map { (try HubName($0.name), $0.bytes) }
    }
}
