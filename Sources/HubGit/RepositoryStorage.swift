import Foundation
import HubCore

/// Where bare repositories live on disk and how they come and go atomically.
///
/// Layout: `repos/{models,datasets,spaces}/{namespace}/{name}.git`, names lowercased because
/// names are unique regardless of case. A repository is built in the hub's own `tmp/` area
/// (`ScratchArea`), then renamed into place.
public struct RepositoryStorage: Sendable {
    public let repositoriesDirectory: URL
    private let repositoriesPath: String
    public let temporaryDirectory: URL

    /// `temporaryDirectory` must be on the data folder's filesystem (repositories are renamed
    /// out of it).
    public init(dataDirectory: URL, temporaryDirectory: URL) {
        repositoriesDirectory = dataDirectory.appendingPathComponent("repos")
        repositoriesPath = repositoriesDirectory.path
        self.temporaryDirectory = temporaryDirectory
    }

    public func location(of id: RepoID) -> URL {
        // One string and one URL: every file request asks, and chained appendingPathComponent
        // calls showed up in profiles. Names are checked, so no part needs escaping.
        URL(
            fileURLWithPath: "\(repositoriesPath)/\(id.kind.plural)/\(id.namespace.key)/\(id.name.key).git",
            isDirectory: true)
    }

    /// The bytes of the repository's git objects (packs and loose objects) on disk.
    public func objectBytes(of id: RepoID) -> Int64 {
        FolderSize.bytes(under: location(of: id).appendingPathComponent("objects"))
    }

    /// Builds a complete repository with one root commit on `branch` under `tmp/`.
    public func prepare(
        files: [(name: String, contents: [UInt8])], message: String, author: GitSignature, branch: String
    ) throws -> PreparedRepository {
        try FileManager.default.createDirectory(at: temporaryDirectory, withIntermediateDirectories: true)
        let location = temporaryDirectory.appendingPathComponent("new-\(UUID().uuidString).git")
        do {
            let repository = try GitRepository.createBare(at: location, initialBranch: branch)
            let commit = try repository.createRootCommit(
                files: files, message: message, author: author, branch: branch)
            return PreparedRepository(location: location, commit: commit)
        } catch {
            try? FileManager.default.removeItem(at: location)
            throw error
        }
    }

    /// The file inside each bare repository naming its index row, so that `reconcile` can put a
    /// repository back where its row says after a crash in the middle of a move.
    static let rowMarker = "modelhub-row-id"

    /// Moves a prepared repository into its place. A directory already there belongs to no index
    /// row (a crash between the two steps of an earlier create or delete) and is cleared first.
    public func install(_ prepared: PreparedRepository, as id: RepoID, rowID: Int64) throws {
        try DurableFiles.write(
            Array(String(rowID).utf8), to: prepared.location.appendingPathComponent(Self.rowMarker),
            temporaryDirectory: temporaryDirectory)
        let destination = location(of: id)
        if FileManager.default.fileExists(atPath: destination.path) {
            try remove(at: destination)
        }
        try DurableFiles.rename(prepared.location, to: destination)
    }

    /// Moves a repository to the location of `newID` (a rename on the same filesystem).
    public func move(_ id: RepoID, to newID: RepoID) throws {
        let source = location(of: id)
        let destination = location(of: newID)
        guard source != destination else { return }
        if FileManager.default.fileExists(atPath: destination.path) {
            try remove(at: destination)  // an orphan: no index row points at it (see install)
        }
        try DurableFiles.rename(source, to: destination)
    }

    /// Every repository on disk with the index row its marker names.
    public func markedRepositories() throws -> [(location: URL, rowID: Int64)] {
        var found: [(URL, Int64)] = []
        let manager = FileManager.default
        for kind in RepoKind.allCases {
            let kindFolder = repositoriesDirectory.appendingPathComponent(kind.plural)
            for namespace in (try? manager.contentsOfDirectory(atPath: kindFolder.path)) ?? [] {
                let namespaceFolder = kindFolder.appendingPathComponent(namespace)
                for name in (try? manager.contentsOfDirectory(atPath: namespaceFolder.path)) ?? [] where name.hasSuffix(".git") {
                    let repository = namespaceFolder.appendingPathComponent(name)
                    let marker = repository.appendingPathComponent(Self.rowMarker)
                    if let text = try? String(contentsOf: marker, encoding: .utf8), let rowID = Int64(text) {
                        found.append((repository, rowID))
                    }
                }
            }
        }
        return found
    }

    /// Moves the repository at `current` to where `id` lives, unless something is there already.
    public func relocate(_ current: URL, to id: RepoID) throws {
        let expected = location(of: id)
        guard current.standardizedFileURL != expected.standardizedFileURL,
            !FileManager.default.fileExists(atPath: expected.path)
        else { return }
        try DurableFiles.rename(current, to: expected)
    }

    public func discard(_ prepared: PreparedRepository) {
        try? FileManager.default.removeItem(at: prepared.location)
    }

    /// Removes a repository: first renamed out of the tree (atomic), then deleted.
    public func remove(_ id: RepoID) throws {
        try remove(at: location(of: id))
    }

    /// Removes the repository folder at `location` (first renamed into `tmp/`, so a crash never
    /// leaves half a repository where one is looked for).
    public func remove(at location: URL) throws {
        guard FileManager.default.fileExists(atPath: location.path) else { return }
        let trash = temporaryDirectory.appendingPathComponent("deleted-\(UUID().uuidString).git")
        do {
            try DurableFiles.rename(location, to: trash)
        } catch let error as NSError where error.domain == NSPOSIXErrorDomain && error.code == Int(ENOENT) {
            // Another instance sharing the folder removed it first.
            return
        }
        try FileManager.default.removeItem(at: trash)
    }

    /// Removes what a `git receive-pack` killed mid-push left in a repository: its quarantine
    /// folders (`objects/tmp_objdir-incoming-*`, see git-receive-pack(1)) and half-written packs
    /// (`objects/pack/tmp_pack_*`, `tmp_idx_*`): every name git gives them starts with `tmp_`),
    /// once nothing in them has changed for `age` seconds. The server sweeps while it serves, so
    /// a push still receiving its pack (its pack file growing inside the quarantine) is left alone
    /// however long it has run. Returns how many were removed.
    public func sweepAbandonedPushes(in location: URL, olderThan age: TimeInterval) -> Int {
        var removed = 0
        let cutoff = Date().addingTimeInterval(-age)
        for folder in [location.appendingPathComponent("objects"), location.appendingPathComponent("objects/pack")] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in names where name.hasPrefix("tmp_") {
                let item = folder.appendingPathComponent(name)
                guard let modified = Self.lastModification(of: item), modified < cutoff else { continue }
                if (try? FileManager.default.removeItem(at: item)) != nil { removed += 1 }
            }
        }
        return removed
    }

    /// The latest modification time of `item` and, for a folder, of everything inside it.
    static func lastModification(of item: URL) -> Date? {
        let manager = FileManager.default
        guard var latest = (try? manager.attributesOfItem(atPath: item.path))?[.modificationDate] as? Date else { return nil }
        if let inside = manager.enumerator(atPath: item.path) {
            while let relative = inside.nextObject() as? String {
                let path = item.appendingPathComponent(relative).path
                if let modified = (try? manager.attributesOfItem(atPath: path))?[.modificationDate] as? Date {
                    latest = max(latest, modified)
                }
            }
        }
        return latest
    }
}

/// A repository built in `tmp/`, waiting to be installed.
public struct PreparedRepository: Sendable {
    public let location: URL
    public let commit: String

    /// A complete bare repository built aside (under `tmp/`) whose branch is at `commit`.
    public init(location: URL, commit: String) {
        self.location = location
        self.commit = commit
    }
}
