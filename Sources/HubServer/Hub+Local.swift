import Foundation
import HubCore
import HubSQLite
import HubServices
import HubStorage

extension Hub {
    /// The embedded default, everything in one data folder: the index in `modelhub.sqlite`
    /// (SQLite through GRDB), LFS objects under `lfs/objects/` and Xet's xorbs under `xet/xorbs/`. Without a push policy, for
    /// the admin commands and the push hook; with one, for serving.
    public convenience init(
        local dataDirectory: URL, pushPolicy: PushHook? = nil, maxObjectSize: Int64 = Hub.defaultMaxObjectSize,
        multipartChunkSize: Int64 = Hub.defaultMultipartChunkSize
    ) throws {
        try self.init(
            dataDirectory: dataDirectory, stores: try Self.localStores(in: dataDirectory), pushPolicy: pushPolicy,
            maxObjectSize: maxObjectSize, multipartChunkSize: multipartChunkSize)
    }

    static func localStores(in dataDirectory: URL, onDatabaseWait: @escaping @Sendable (Duration) -> Void = { _ in }) throws
        -> HubStores
    {
        let dataDirectory = try prepareDataDirectory(dataDirectory)
        let database = try HubDatabase(
            path: dataDirectory.appendingPathComponent("modelhub.sqlite").path, onWait: onDatabaseWait)
        let scratch = try ScratchArea(in: dataDirectory)
        return HubStores(
            accounts: SQLiteAccountStore(database: database), orgs: SQLiteOrgStore(database: database),
            repos: SQLiteRepoStore(database: database), storageQuotas: SQLiteStorageQuotaStore(database: database),
            accessRequests: SQLiteAccessRequestStore(database: database), webhooks: SQLiteWebhookStore(database: database),
            lfs: SQLiteLFSStore(database: database),
            discussions: SQLiteDiscussionStore(database: database), counters: SQLiteCounterStore(database: database),
            blobs: LocalBlobStore(dataDirectory: dataDirectory, temporaryDirectory: scratch.directory),
            xetFiles: SQLiteXetFileStore(database: database),
            xorbs: LocalXorbStore(dataDirectory: dataDirectory, temporaryDirectory: scratch.directory), scratch: scratch,
            close: { try database.close() })
    }
}
