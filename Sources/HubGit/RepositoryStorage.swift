import Foundation
import HubCore

/// Where bare repositories live on disk and how they come and go atomically.
///
/// Layout: `repos/{models,datasets,spaces}/{namespace}/{name}.git`, names lowercased because
/// names are unique regardless of case. A repository is built under `tmp/`, then renamed into place.
public struct RepositoryStorage: Sendable {
    public let repositoriesDirectory: URL
    public let temporaryDirectory: URL

    public init(dataDirectory: URL) {
        repositoriesDirectory = dataDirectory.appendingPathComponent("repos")
        temporaryDirectory = dataDirectory.appendingPathComponent("tmp")
    }

    public func location(of id: RepoID) -> URL {
        repositoriesDirectory
            .appendingPathComponent(id.kind.plural)
            .appendingPathComponent(id.namespace.key)
            .appendingPathComponent(id.name.key + ".git")
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

    /// Moves a prepared repository into its place. A directory already there belongs to no index
    /// row (a crash between the two steps of an earlier create or delete) and is cleared first.
    public func install(_ prepared: PreparedRepository, as id: RepoID) throws {
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

    public func discard(_ prepared: PreparedRepository) {
        try? FileManager.default.removeItem(at: prepared.location)
    }

    /// Removes a repository: first renamed out of the tree (atomic), then deleted.
    public func remove(_ id: RepoID) throws {
        try remove(at: location(of: id))
    }

    private func remove(at location: URL) throws {
        guard FileManager.default.fileExists(atPath: location.path) else { return }
        let trash = temporaryDirectory.appendingPathComponent("deleted-\(UUID().uuidString).git")
        try DurableFiles.rename(location, to: trash)
        try FileManager.default.removeItem(at: trash)
    }

    /// Clears what crashed writes left in `tmp/`. Run at start, before serving.
    public func sweepTemporaryDirectory() throws {
        try FileManager.default.createDirectory(at: temporaryDirectory, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: temporaryDirectory.path) {
            try FileManager.default.removeItem(at: temporaryDirectory.appendingPathComponent(name))
        }
    }
}

/// A repository built in `tmp/`, waiting to be installed.
public struct PreparedRepository: Sendable {
    public let location: URL
    public let commit: String
}
