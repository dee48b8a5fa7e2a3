import Foundation
import HubCore
import HubS3
import HubServices
import HubStorage
import NIOCore
import XetCore

/// `modelhub migrate-storage`: copies a hub's LFS objects and xorbs from its data folder into
/// the S3 bucket its configuration names, each one checked on the way (an LFS object is hashed
/// and appears in the bucket only if it is the object its name says; a xorb's chunks are
/// verified against its name before its one PUT). It switches nothing: the hub keeps reading
/// the data folder until `blobStore` is set to `s3`, and a run can be repeated (what is already
/// in the bucket is checked and skipped).
public enum StorageMigration {
    public struct Report: Sendable {
        public var objects = 0
        public var objectBytes: Int64 = 0
        public var xorbs = 0
        public var xorbBytes: Int64 = 0
        /// Already in the bucket with the same size (their local bytes were still read and checked).
        public var alreadyThere = 0
    }

    public static func copyLocalStorage(
        of configuration: ServerConfiguration, environment: [String: String]
    ) async throws -> Report {
        var target = configuration
        target.blobStore = "s3"
        try target.validate()
        guard let bucket = try Hub.bucket(for: target, environment: environment) else {
            throw ConfigurationError("migrate-storage needs s3Endpoint and s3Bucket")
        }
        let dataDirectory = URL(fileURLWithPath: configuration.dataDir)
        let blobs = S3BlobStore(client: bucket, prefix: configuration.s3Prefix)
        let xorbs = S3XorbStore(client: bucket, prefix: configuration.s3Prefix)
        var report = Report()

        for (path, name) in files(under: dataDirectory.appendingPathComponent("lfs/objects"), depth: 3) {
            guard let oid = try? LFSObjectID(name) else { continue }
            let size = try fileSize(path)
            let outcome: BlobStoreOutcome
            do {
                outcome = try await blobs.store(ConcatenatedFiles(path: path), as: oid, size: size)
            } catch let mismatch as BlobMismatch {
                throw HubError.internalFailure("\(path) is not the LFS object its name says (\(mismatch.description)); nothing of it was copied")
            }
            if outcome == .alreadyStored { report.alreadyThere += 1 }
            report.objects += 1
            report.objectBytes += size
        }
        for (path, name) in files(under: dataDirectory.appendingPathComponent("xet/xorbs"), depth: 2) {
            guard let hash = MerkleHash(xetString: name) else { continue }
            let size = try fileSize(path)
            if try await xorbs.copyStored(ConcatenatedFiles(path: path), storedSize: size, as: hash) == false {
                report.alreadyThere += 1
            }
            report.xorbs += 1
            report.xorbBytes += size
        }
        return report
    }

    /// The regular files `depth` folders below `root` (the content-addressed layouts), by path and name.
    static func files(under root: URL, depth: Int) -> [(String, String)] {
        var level = [root.path]
        for _ in 1..<depth {
            level = level.flatMap { folder in
                ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted().map { "\(folder)/\($0)" }
            }
        }
        return level.flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted().map { ("\(folder)/\($0)", $0) }
        }
    }

    static func fileSize(_ path: String) throws -> Int64 {
        guard let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value else {
            throw HubError.internalFailure("cannot read the size of \(path)")
        }
        return size
    }
}
