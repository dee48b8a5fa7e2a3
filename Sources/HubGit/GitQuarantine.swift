import CLibGit2
import Foundation
import HubCore
import Subprocess

/// A folder that receives every object written through one repository handle, the way git's own
/// receive-pack quarantines a push (git-receive-pack(1), "QUARANTINE ENVIRONMENT"): reads still
/// see the repository, but nothing lands in it until `admit` has had git check the new objects
/// (`git index-pack --strict`, the checks `receive.fsckObjects` runs on a push) and moved them in
/// as one pack. A commit that is refused, or whose request dies, leaves nothing in the repository;
/// the folder lives under the data folder's `tmp/`, which start-up sweeps.
public final class GitQuarantine {
    let directory: URL
    let repositoryLocation: URL

    /// Sends `repository`'s writes to a new folder under `temporaryDirectory`.
    public init(redirecting repository: GitRepository, at location: URL, temporaryDirectory: URL) throws {
        directory = temporaryDirectory.appendingPathComponent("objects-\(UUID().uuidString)")
        repositoryLocation = location
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        do {
            try repository.writeObjects(to: directory)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    /// Whatever was not admitted goes with the session that wrote it.
    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Checks the objects written so far with git's fsck rules and moves them into the repository
    /// as one pack. Throws `GitObjectsRefused` (with git's reasons) and moves nothing when a check
    /// fails. Afterwards the quarantine is empty and can take the next objects.
    public func admit(through repository: GitRepository) async throws {
        let objects = try looseObjects()
        guard !objects.isEmpty else { return }
        let packFolder = directory.appendingPathComponent("pack")
        let name = try repository.writePack(of: objects, into: packFolder)
        let pack = packFolder.appendingPathComponent("pack-\(name).pack")
        let result = try await GitProcesses.counted {
            try await Subprocess.run(
                .name("git"),
                arguments: [
                    "--git-dir", repositoryLocation.path, "index-pack", "--strict",
                    "-o", directory.appendingPathComponent("verify.idx").path, pack.path,
                ],
                environment: .inherit.updating([
                    // fsck reads a `.gitmodules` blob that came before its tree in the pack from the
                    // object store once the pack is read: it must see the quarantined objects too.
                    "GIT_DIR": nil, "GIT_OBJECT_DIRECTORY": nil, "GIT_ALTERNATE_OBJECT_DIRECTORIES": directory.path,
                    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "safe.directory",
                    "GIT_CONFIG_VALUE_0": "*",
                ]),
                output: .discarded, error: .string(limit: 64 << 10))
        }
        guard result.terminationStatus.isSuccess else {
            throw GitObjectsRefused(reasons: Self.reasons(in: result.standardError))
        }
        // The pack before its index: git and libgit2 find packs through their .idx files.
        let target = repositoryLocation.appendingPathComponent("objects/pack")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        for suffix in ["pack", "idx"] {
            let destination = target.appendingPathComponent("pack-\(name).\(suffix)")
            if FileManager.default.fileExists(atPath: destination.path) { continue }
            try DurableFiles.rename(packFolder.appendingPathComponent("pack-\(name).\(suffix)"), to: destination)
        }
        try DurableFiles.syncDirectory(target)
        repository.refreshObjects()
        for object in objects {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(object.loosePath))
        }
        try? FileManager.default.removeItem(at: packFolder)
        try? FileManager.default.removeItem(at: directory.appendingPathComponent("verify.idx"))
    }

    /// The bytes the objects written so far and not yet admitted take on disk: what admitting
    /// them adds to the repository.
    public func pendingBytes() -> Int64 {
        FolderSize.bytes(under: directory)
    }

    /// The ids of the loose objects in the folder (`xx/yyyy…`).
    func looseObjects() throws -> [GitObjectName] {
        var objects: [GitObjectName] = []
        for folder in try FileManager.default.contentsOfDirectory(atPath: directory.path) where folder.utf8.count == 2 {
            for file in try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(folder).path)
            where file.utf8.count == 38 {
                objects.append(GitObjectName(hex: folder + file))
            }
        }
        return objects
    }

    /// git's `error:` and `fatal:` lines, without the prefix.
    static func reasons(in diagnostics: String) -> [String] {
        let lines = diagnostics.split(separator: "\n").compactMap { line -> String? in
            for prefix in ["error: ", "fatal: "] where line.hasPrefix(prefix) {
                return String(line.dropFirst(prefix.count))
            }
            return nil
        }
        return lines.isEmpty ? ["git refused the objects of this commit"] : lines
    }
}

/// The hex id of one object.
struct GitObjectName {
    let hex: String

    var loosePath: String { String(hex.prefix(2)) + "/" + String(hex.dropFirst(2)) }
}

/// Objects that git's fsck rules refuse (a `.gitmodules` whose URL is an option, a path git
/// cannot check out); the reasons are git's own words.
public struct GitObjectsRefused: Error, CustomStringConvertible {
    public let reasons: [String]

    public var description: String { reasons.joined(separator: "; ") }
}

extension GitRepository {
    /// From now on this handle writes objects into the loose-object folder `directory`
    /// instead of the repository (libgit2 writes to the highest-priority backend that can).
    func writeObjects(to directory: URL) throws(GitError) {
        var odb: OpaquePointer?
        try LibGit2.check(git_repository_odb(&odb, handle), "open object database")
        defer { git_odb_free(odb) }
        var backend: UnsafeMutablePointer<git_odb_backend>?
        try LibGit2.check(git_odb_backend_loose(&backend, directory.path, -1, 0, 0, 0), "open quarantine")
        let code = git_odb_add_backend(odb, backend, 1000)
        if code < 0, let backend { backend.pointee.free?(backend) }
        try LibGit2.check(code, "add quarantine")
    }

    /// Writes `objects` as one pack (with its index) into `folder`; returns the pack's name.
    func writePack(of objects: [GitObjectName], into folder: URL) throws -> String {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var builder: OpaquePointer?
        try LibGit2.check(git_packbuilder_new(&builder, handle), "new pack")
        defer { git_packbuilder_free(builder) }
        git_packbuilder_set_threads(builder, 1)
        for object in objects {
            var id = git_oid()
            try LibGit2.check(git_oid_fromstr(&id, object.hex), "parse object id")
            try LibGit2.check(git_packbuilder_insert(builder, &id, nil), "add object to pack")
        }
        try LibGit2.check(git_packbuilder_write(builder, folder.path, 0o444, nil, nil), "write pack")
        guard let name = git_packbuilder_name(builder) else { throw GitError(code: -1, operation: "name pack", detail: "") }
        return String(cString: name)
    }

    /// Makes packs added by another writer visible to this handle.
    func refreshObjects() {
        var odb: OpaquePointer?
        guard git_repository_odb(&odb, handle) == 0 else { return }
        defer { git_odb_free(odb) }
        _ = git_odb_refresh(odb)
    }
}
