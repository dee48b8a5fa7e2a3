import Foundation
import HubCore
import HubPostgres
import HubS3
import HubServices
import HubStorage
import HubUpstream
import Logging

extension Hub {
    /// The hub `configuration` describes: repositories in its data folder; the index in the data
    /// folder's SQLite file, or in PostgreSQL when `databaseURL` names one; LFS objects and Xet's
    /// xorbs where `blobStore` says (the data folder, or an S3 bucket whose credentials are
    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` in `environment`). The PostgreSQL pool logs
    /// to `indexLogger`: by default errors only, since the admin commands' and the push hook's
    /// stderr is one line for a person (the hook's reaches the pusher's terminal).
    public static func open(
        configuration: ServerConfiguration, environment: [String: String], pushPolicy: PushHook? = nil,
        indexLogger: Logger = Hub.quietIndexLogger, onDatabaseWait: @escaping @Sendable (Duration) -> Void = { _ in }
    ) async throws -> Hub {
        let dataDirectory = URL(fileURLWithPath: configuration.dataDir)
        let bucket = try Self.bucket(for: configuration, environment: environment)
        var stores: HubStores
        if let databaseURL = configuration.databaseURL {
            stores = try await Self.postgresStores(
                url: databaseURL, dataDirectory: dataDirectory, logger: indexLogger, onWait: onDatabaseWait)
        } else {
            stores = try Self.localStores(in: dataDirectory, onDatabaseWait: onDatabaseWait)
        }
        if let bucket {
            stores.blobs = S3BlobStore(
                client: bucket, prefix: configuration.s3Prefix,
                presignedDownloadLifetime: configuration.s3PresignedDownloads ? S3BlobStore.presignedURLLifetime : nil)
            stores.xorbs = S3XorbStore(client: bucket, prefix: configuration.s3Prefix)
        }
        if !configuration.webhookAllowedHosts.isEmpty {
            let sender = HTTPWebhookSender()
            stores.webhookSettings = WebhookSettings(
                allowedHosts: configuration.webhookAllowedHosts, sender: sender, siteURL: configuration.publicURL)
            stores.alsoClose(sender.shutdown)
        }
        if let upstreamURL = configuration.upstreamURL {
            let upstream = HTTPUpstreamHub(baseURL: upstreamURL, token: configuration.upstreamToken)
            stores.upstream = MirrorUpstream(hub: upstream, metadataTTL: Double(configuration.upstreamMetadataTTL))
            stores.alsoClose(upstream.shutdown)
        }
        do {
            return try Hub(
                dataDirectory: dataDirectory, stores: stores, pushPolicy: pushPolicy,
                maxObjectSize: configuration.maxLFSObjectSize, multipartChunkSize: configuration.lfsMultipartChunkSize,
                signingSecret: configuration.signingSecret.map { Array($0.utf8) })
        } catch {
            stores.scratch.release()
            try? stores.close()
            throw error
        }
    }

    /// The index on PostgreSQL (migrated when it opens) with LFS objects and xorbs in the data
    /// folder until the configuration says otherwise.
    static func postgresStores(
        url: String, dataDirectory: URL, logger: Logger, onWait: @escaping @Sendable (Duration) -> Void = { _ in }
    ) async throws -> HubStores {
        let dataDirectory = try prepareDataDirectory(dataDirectory)
        let index: PostgresIndex
        do {
            index = try await PostgresIndex.open(url: url, logger: logger, onWait: onWait)
        } catch let error as HubError {
            throw error
        } catch {
            throw HubError.internalFailure("cannot open the PostgreSQL index: \(String(reflecting: error))")
        }
        let scratch: ScratchArea
        do {
            scratch = try ScratchArea(in: dataDirectory)
        } catch {
            index.close()
            throw error
        }
        return HubStores(
            accounts: PostgresAccountStore(index: index), orgs: PostgresOrgStore(index: index),
            repos: PostgresRepoStore(index: index), storageQuotas: PostgresStorageQuotaStore(index: index),
            accessRequests: PostgresAccessRequestStore(index: index), webhooks: PostgresWebhookStore(index: index),
            lfs: PostgresLFSStore(index: index),
            discussions: PostgresDiscussionStore(index: index), counters: PostgresCounterStore(index: index),
            blobs: LocalBlobStore(dataDirectory: dataDirectory, temporaryDirectory: scratch.directory),
            xetFiles: PostgresXetFileStore(index: index),
            xorbs: LocalXorbStore(dataDirectory: dataDirectory, temporaryDirectory: scratch.directory), scratch: scratch,
            close: { index.close() })
    }

    /// The PostgreSQL pool's logger for a command a person runs: errors only (a connection the
    /// pool was still opening when the command ended is logged at info, and is no news to them).
    public static var quietIndexLogger: Logger {
        var logger = Logger(label: "modelhub.postgres")
        logger.logLevel = .error
        return logger
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
