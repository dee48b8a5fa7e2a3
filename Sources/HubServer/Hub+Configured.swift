import Foundation
import HubCore
import HubPostgres
import HubS3
import HubServices
import HubStorage

extension Hub {
    /// The hub `configuration` describes: repositories in its data folder; the index in the data
    /// folder's SQLite file, or in PostgreSQL when `databaseURL` names one; LFS objects and Xet's
    /// xorbs where `blobStore` says (the data folder, or an S3 bucket whose credentials are
    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` in `environment`).
    public static func open(
        configuration: ServerConfiguration, environment: [String: String], pushPolicy: PushHook? = nil
    ) async throws -> Hub {
        let dataDirectory = URL(fileURLWithPath: configuration.dataDir)
        let bucket = try Self.bucket(for: configuration, environment: environment)
        var stores: HubStores
        if let databaseURL = configuration.databaseURL {
            stores = try await Self.postgresStores(url: databaseURL, dataDirectory: dataDirectory)
        } else {
            stores = try Self.localStores(in: dataDirectory)
        }
        if let bucket {
            stores.blobs = S3BlobStore(
                client: bucket, prefix: configuration.s3Prefix,
                presignedDownloadLifetime: configuration.s3PresignedDownloads ? S3BlobStore.presignedURLLifetime : nil)
            stores.xorbs = S3XorbStore(client: bucket, prefix: configuration.s3Prefix)
        }
        do {
            return try Hub(
                dataDirectory: dataDirectory, stores: stores, pushPolicy: pushPolicy,
                maxObjectSize: configuration.maxLFSObjectSize, multipartChunkSize: configuration.lfsMultipartChunkSize,
                signingSecret: configuration.signingSecret.map { Array($0.utf8) })
        } catch {
            try? stores.close()
            throw error
        }
    }

    /// The index on PostgreSQL (migrated when it opens) with LFS objects and xorbs in the data
    /// folder until the configuration says otherwise.
    static func postgresStores(url: String, dataDirectory: URL) async throws -> HubStores {
        let dataDirectory = try prepareDataDirectory(dataDirectory)
        let index: PostgresIndex
        do {
            index = try await PostgresIndex.open(url: url)
        } catch let error as HubError {
            throw error
        } catch {
            throw HubError.internalFailure("cannot open the PostgreSQL index: \(String(reflecting: error))")
        }
        return HubStores(
            accounts: PostgresAccountStore(index: index), orgs: PostgresOrgStore(index: index),
            repos: PostgresRepoStore(index: index), lfs: PostgresLFSStore(index: index),
            discussions: PostgresDiscussionStore(index: index), counters: PostgresCounterStore(index: index),
            blobs: LocalBlobStore(dataDirectory: dataDirectory),
            xetFiles: PostgresXetFileStore(index: index), xorbs: LocalXorbStore(dataDirectory: dataDirectory),
            close: { index.close() })
    }

    /// The bucket LFS objects and xorbs go to when the configuration names one; nil for the local default.
    static func bucket(for configuration: ServerConfiguration, environment: [String: String]) throws -> S3Client? {
        guard configuration.blobStore == "s3" else { return nil }
        guard let accessKey = environment["AWS_ACCESS_KEY_ID"], !accessKey.isEmpty,
            let secretKey = environment["AWS_SECRET_ACCESS_KEY"], !secretKey.isEmpty
        else {
            throw ConfigurationError("blobStore s3 needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment")
        }
        do {
            return try S3Client(
                endpoint: configuration.s3Endpoint ?? "", bucket: configuration.s3Bucket ?? "",
                region: configuration.s3Region, accessKey: accessKey, secretKey: secretKey)
        } catch HubError.badRequest(let message) {
            throw ConfigurationError(message)
        }
    }
}
