import Foundation
import HubCore
import HubS3
import HubServices
import HubStorage

extension Hub {
    /// The hub `configuration` describes: the index and repositories in its data folder, LFS
    /// objects and Xet's xorbs where `blobStore` says (the data folder, or an S3 bucket whose
    /// credentials are `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` in `environment`).
    public convenience init(
        configuration: ServerConfiguration, environment: [String: String], pushPolicy: PushHook? = nil
    ) throws {
        let dataDirectory = URL(fileURLWithPath: configuration.dataDir)
        let bucket = try Self.bucket(for: configuration, environment: environment)
        var stores = try Self.localStores(in: dataDirectory)
        if let bucket {
            stores.blobs = S3BlobStore(
                client: bucket, prefix: configuration.s3Prefix,
                presignedDownloadLifetime: configuration.s3PresignedDownloads ? S3BlobStore.presignedURLLifetime : nil)
            stores.xorbs = S3XorbStore(client: bucket, prefix: configuration.s3Prefix)
        }
        try self.init(
            dataDirectory: dataDirectory, stores: stores, pushPolicy: pushPolicy,
            maxObjectSize: configuration.maxLFSObjectSize, multipartChunkSize: configuration.lfsMultipartChunkSize,
            signingSecret: configuration.signingSecret.map { Array($0.utf8) })
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
