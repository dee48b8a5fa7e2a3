import HubCore
import HubIndex
import PostgresNIO

public struct PostgresStorageQuotaStore: StorageQuotaStore {
    let index: PostgresIndex

    public init(index: PostgresIndex) {
        self.index = index
    }

    public func storageQuota(of namespace: HubName) async throws -> Int64? {
        try await index.rows(
            """
            SELECT storage_quota FROM users WHERE name = \(namespace.value)::citext
            UNION ALL SELECT storage_quota FROM organizations WHERE name = \(namespace.value)::citext
            """, as: (Int64?).self
        ).first ?? nil
    }

    public func setStorageQuota(_ bytes: Int64?, of namespace: HubName) async throws -> Bool {
        // One statement: a user and an organization never share a name, so at most one row changes.
        let changed = try await index.rows(
            """
            WITH changed_users AS (
                UPDATE users SET storage_quota = \(bytes) WHERE name = \(namespace.value)::citext RETURNING id
            ), changed_orgs AS (
                UPDATE organizations SET storage_quota = \(bytes) WHERE name = \(namespace.value)::citext RETURNING id
            )
            SELECT (SELECT COUNT(*) FROM changed_users) + (SELECT COUNT(*) FROM changed_orgs)
            """, as: (Int64).self)
        return (changed.first ?? 0) > 0
    }

    public func storageQuotas() async throws -> [(namespace: HubName, bytes: Int64)] {
        try await index.rows(
            """
            SELECT name::text, storage_quota FROM (
                SELECT name, storage_quota FROM users WHERE storage_quota IS NOT NULL
                UNION ALL SELECT name, storage_quota FROM organizations WHERE storage_quota IS NOT NULL
            ) quotas ORDER BY quotas.name
            """, as: (String, Int64).self
        ).map { (try HubName($0.0), $0.1) }
    }
}
