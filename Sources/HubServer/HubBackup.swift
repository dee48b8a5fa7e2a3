import Foundation
import HubCore
import HubGit
import HubIndex
import HubServices
import HubSQLite
import HubStorage

/// `modelhub backup` and `modelhub restore` for the embedded mode (SQLite and local objects):
/// a copy of a serving hub that is a sound hub of its own. Cluster mode is backed up with the
/// tools of its engines (`pg_dump`, the bucket's versioning or replication).
///
/// The copy takes one moment of the index (SQLite's online backup API) and then follows it:
/// each repository the index has, refs before objects and checked by `git fsck`, so every ref
/// copied finds its commits; each LFS object the index records. What changes meanwhile is
/// copied as of that moment or later, never half: a push landing during the backup is in the
/// copy whole or not at all (its head is read again from git when the restored hub starts), and
/// a repository deleted meanwhile leaves the copy with its row.
public enum HubBackup {
    public struct Report: Sendable, Equatable {
        public var repositories = 0
        public var objects = 0
        public var bytes: Int64 = 0
        /// Repositories the index had at its moment that were deleted before their folder was copied.
        public var deletedMeanwhile: [String] = []
    }

    /// Copies the hub whose configuration is `configuration` into `destination`, a folder that
    /// must not exist yet: written beside it under a temporary name and renamed into place at
    /// the end, so an interrupted backup leaves no folder that looks complete.
    public static func backup(configuration: ServerConfiguration, to destination: URL) async throws -> Report {
        guard configuration.databaseURL == nil, configuration.blobStore == "local" else {
            throw HubError.badRequest(
                "modelhub backup copies the embedded mode (SQLite and local objects); back up PostgreSQL with pg_dump "
                    + "and the bucket with its own versioning or replication")
        }
        let manager = FileManager.default
        let source = URL(fileURLWithPath: configuration.dataDir).standardizedFileURL
        let destination = destination.standardizedFileURL
        guard manager.fileExists(atPath: source.appendingPathComponent("modelhub.sqlite").path) else {
            throw HubError.badRequest("\(source.path) holds no hub (no modelhub.sqlite)")
        }
        guard !manager.fileExists(atPath: destination.path) else {
            throw HubError.conflict("\(destination.path) exists: a backup goes into a new folder")
        }
        let partial = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).partial-\(UUID().uuidString)")
        try manager.createDirectory(at: partial, withIntermediateDirectories: true)
        do {
            let report = try await copy(from: source, to: partial)
            try manager.moveItem(at: partial, to: destination)
            return report
        } catch {
            try? manager.removeItem(at: partial)
            throw error
        }
    }

    /// Puts the backup in `source` into `dataDirectory`, which must be empty or not exist; then
    /// checks the result as `modelhub fsck` does.
    public static func restore(from source: URL, into dataDirectory: URL) async throws -> ConsistencyReport {
        let manager = FileManager.default
        let source = source.standardizedFileURL
        let target = dataDirectory.standardizedFileURL
        guard manager.fileExists(atPath: source.appendingPathComponent("modelhub.sqlite").path) else {
            throw HubError.badRequest("\(source.path) is no backup (no modelhub.sqlite)")
        }
        if let entries = try? manager.contentsOfDirectory(atPath: target.path), !entries.isEmpty {
            throw HubError.conflict("\(target.path) is not empty: restore into a new data folder")
        }
        try? manager.removeItem(at: target)
        let partial = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).partial-\(UUID().uuidString)")
        do {
            try manager.copyItem(at: source, to: partial)
            try manager.moveItem(at: partial, to: target)
        } catch {
            try? manager.removeItem(at: partial)
            throw error
        }
        let hub = try Hub(local: target, pushPolicy: nil)
        defer { try? hub.close() }
        _ = try await hub.repos.repairAfterCrash()
        return try await hub.checkConsistency(objects: false, repair: false)
    }

    private static func copy(from source: URL, to destination: URL) async throws -> Report {
        var report = Report()
        let manager = FileManager.default
        // 1. The index, as of one moment.
        let indexCopy = destination.appendingPathComponent("modelhub.sqlite")
        let live = try HubDatabase(path: source.appendingPathComponent("modelhub.sqlite").path)
        do {
            try live.backup(to: indexCopy.path)
            try live.close()
        } catch {
            try? live.close()
            throw error
        }
        let index = try HubDatabase(path: indexCopy.path)
        defer { try? index.close() }
        // 2. The secret that signs transfer URLs and sessions, so that they stay valid.
        let secret = source.appendingPathComponent("secret.key")
        if manager.fileExists(atPath: secret.path) {
            try manager.copyItem(at: secret, to: destination.appendingPathComponent("secret.key"))
        }
        // 3. Every repository the index has.
        let sourceStorage = RepositoryStorage(dataDirectory: source, temporaryDirectory: source.appendingPathComponent("tmp"))
        let targetStorage = RepositoryStorage(
            dataDirectory: destination, temporaryDirectory: destination.appendingPathComponent("tmp"))
        let repos = SQLiteRepoStore(database: index)
        var after: Int64 = 0
        while true {
            let page = try await repos.rows(after: after, limit: 500)
            guard let last = page.last else { break }
            after = last.rowID
            for repo in page {
                let from = sourceStorage.location(of: repo.id)
                guard manager.fileExists(atPath: from.path) else {
                    report.deletedMeanwhile.append("\(repo.id.kind.plural)/\(repo.id.path)")
                    continue
                }
                try await copyRepository(from, to: targetStorage.location(of: repo.id))
                report.repositories += 1
            }
        }
        // 4. Every LFS object the index records, and Xet's xorbs (immutable, named by content).
        let lfs = SQLiteLFSStore(database: index)
        // Where each store keeps an object: the same layout in the backup as in the data folder.
        let sourceBlobs = LocalBlobStore(dataDirectory: source, temporaryDirectory: source.appendingPathComponent("tmp"))
        let targetBlobs = LocalBlobStore(
            dataDirectory: destination, temporaryDirectory: destination.appendingPathComponent("tmp"))
        var afterObject: LFSObjectID?
        while true {
            let page = try await lfs.objects(after: afterObject, limit: 500)
            guard let last = page.last else { break }
            afterObject = last.oid
            for (oid, size) in page {
                // Uploaded through Xet, an object is kept as chunks in xorbs, not as a file.
                guard let fromPath = sourceBlobs.localPath(of: oid), let toPath = targetBlobs.localPath(of: oid),
                    manager.fileExists(atPath: fromPath)
                else { continue }
                let (from, to) = (URL(fileURLWithPath: fromPath), URL(fileURLWithPath: toPath))
                try manager.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
                try manager.copyItem(at: from, to: to)
                report.objects += 1
                report.bytes += size
            }
        }
        let xorbs = source.appendingPathComponent("xet/xorbs")
        if manager.fileExists(atPath: xorbs.path) {
            try manager.createDirectory(at: destination.appendingPathComponent("xet"), withIntermediateDirectories: true)
            try manager.copyItem(at: xorbs, to: destination.appendingPathComponent("xet/xorbs"))
        }
        return report
    }

    /// Copies a bare repository while pushes may land in it: everything but the objects first
    /// (refs, `packed-refs`, config, the index row marker), then the objects, then `git fsck`
    /// proves every copied ref finds its objects; a repack that replaced packs meanwhile makes
    /// the copy fail that proof, and it is taken again (three times at most).
    static func copyRepository(_ source: URL, to destination: URL) async throws {
        let manager = FileManager.default
        var lastFailure = ""
        for _ in 0..<3 {
            try? manager.removeItem(at: destination)
            try manager.createDirectory(at: destination, withIntermediateDirectories: true)
            do {
                let entries = try manager.contentsOfDirectory(atPath: source.path)
                for entry in entries.sorted() where entry != "objects" {
                    try manager.copyItem(at: source.appendingPathComponent(entry), to: destination.appendingPathComponent(entry))
                }
                try manager.copyItem(at: source.appendingPathComponent("objects"), to: destination.appendingPathComponent("objects"))
            } catch {
                lastFailure = "\(error)"
                continue
            }
            if let failure = try await GitRepacker.checkConnectivity(destination) {
                lastFailure = failure
                continue
            }
            return
        }
        throw HubError.internalFailure("could not copy \(source.path) whole: \(lastFailure)")
    }
}
