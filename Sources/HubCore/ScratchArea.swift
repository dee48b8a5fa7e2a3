import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One open hub's own folder for writes in flight, `tmp/{id}/` in the data folder, beside a lock
/// file `tmp/{id}.lock` that the hub holds an exclusive `flock(2)` on for as long as it is open.
///
/// Several instances may share one data folder (each behind one load balancer), so an instance
/// that starts must not clear another's uploads in flight; what it may clear is every area whose
/// lock no one holds any more: its owner exited or was killed (the kernel drops a dead process's
/// locks, and NFSv4 a dead client's lease). flock is per open file, so two hubs in one process are
/// two owners too.
public final class ScratchArea: Sendable {
    public let directory: URL
    let lockFile: URL
    let lockDescriptor: Int32

    /// Claims a new area under `dataDirectory/tmp`.
    public init(in dataDirectory: URL) throws {
        let root = Self.root(of: dataDirectory)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        // The lock is taken before the folder exists, so a sweep never sees a folder whose owner
        // is still about to lock it. A sweep that took the lock between our create and our flock
        // has unlinked the file (the inode check notices): then another id.
        var attempt = 0
        while true {
            let id = UUID().uuidString
            let lockFile = root.appendingPathComponent("\(id).lock")
            if let descriptor = try Self.lockNewFile(at: lockFile) {
                self.lockFile = lockFile
                directory = root.appendingPathComponent(id)
                lockDescriptor = descriptor
                break
            }
            attempt += 1
            if attempt == 5 { throw DurableFiles.posixError("lock \(lockFile.path)") }
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        } catch {
            close(lockDescriptor)
            unlink(lockFile.path)
            throw error
        }
    }

    deinit {
        close(lockDescriptor)
    }

    /// Removes the area and lets go of its lock; for a hub closing cleanly.
    public func release() {
        try? FileManager.default.removeItem(at: directory)
        unlink(lockFile.path)
    }

    static func root(of dataDirectory: URL) -> URL {
        dataDirectory.appendingPathComponent("tmp")
    }

    /// The descriptor of a new lock file, locked; nil when a sweep got to it first.
    static func lockNewFile(at file: URL) throws -> Int32? {
        let descriptor = open(file.path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw DurableFiles.posixError("create \(file.path)") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0, Self.isStillNamed(file, descriptor) else {
            close(descriptor)
            return nil
        }
        return descriptor
    }

    static func isStillNamed(_ file: URL, _ descriptor: Int32) -> Bool {
        var opened = stat()
        var named = stat()
        guard fstat(descriptor, &opened) == 0, stat(file.path, &named) == 0 else { return false }
        return opened.st_ino == named.st_ino && opened.st_dev == named.st_dev
    }

    /// Removes what hubs that are gone left under `dataDirectory/tmp`: every area whose lock can
    /// be taken, and anything else there that no area owns (the layout before areas, a folder
    /// whose lock file a crash left unwritten). Returns how many entries it removed.
    @discardableResult
    public static func sweepAbandoned(in dataDirectory: URL) throws -> Int {
        let root = root(of: dataDirectory)
        let manager = FileManager.default
        try manager.createDirectory(at: root, withIntermediateDirectories: true)
        let names = try manager.contentsOfDirectory(atPath: root.path)
        var held: Set<String> = []
        var removed = 0
        for name in names where name.hasSuffix(".lock") {
            let id = String(name.dropLast(".lock".count))
            let lockFile = root.appendingPathComponent(name)
            let descriptor = open(lockFile.path, O_RDWR | O_CLOEXEC)
            guard descriptor >= 0 else { continue }  // removed by another sweep meanwhile
            defer { close(descriptor) }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                held.insert(id)
                continue
            }
            // Ours now: its owner is gone. The folder goes first, so that a lock file never
            // outlives it unheld with a folder some later sweep would have to guess about.
            try? manager.removeItem(at: root.appendingPathComponent(id))
            if isStillNamed(lockFile, descriptor) { unlink(lockFile.path) }
            removed += 1
        }
        for name in names where !name.hasSuffix(".lock") && !held.contains(name) {
            // An area claimed after the listing has its lock file too, which the listing lacks:
            // look again before removing a folder as unowned.
            if manager.fileExists(atPath: root.appendingPathComponent("\(name).lock").path) { continue }
            if (try? manager.removeItem(at: root.appendingPathComponent(name))) != nil { removed += 1 }
        }
        return removed
    }
}
