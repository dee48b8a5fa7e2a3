import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The file operations behind "after a crash, the old state or the new one, never a mix":
/// everything is written under `data/tmp` (same filesystem), synced, then renamed into place.
public enum DurableFiles {
    /// Writes `contents` to `destination` through a synced temporary file in `temporaryDirectory`.
    public static func write(_ contents: [UInt8], to destination: URL, temporaryDirectory: URL, mode: mode_t = 0o644) throws {
        try FileManager.default.createDirectory(at: temporaryDirectory, withIntermediateDirectories: true)
        let temporary = temporaryDirectory.appendingPathComponent("write-\(UUID().uuidString)")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw posixError("create \(temporary.path)") }
        var written = 0
        let ok = contents.withUnsafeBytes { bytes -> Bool in
            while written < bytes.count {
                let count = Glibc.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                written += count
            }
            return fsync(descriptor) == 0
        }
        let failure = ok ? nil : posixError("write \(temporary.path)")
        close(descriptor)
        if let failure {
            unlink(temporary.path)
            throw failure
        }
        try rename(temporary, to: destination)
    }

    /// Renames `source` onto `destination` (replacing a file, not a non-empty directory) and syncs
    /// both parent directories so the rename itself survives a crash.
    public static func rename(_ source: URL, to destination: URL) throws {
        try FileManager.default.createDirectory(
            at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard Glibc.rename(source.path, destination.path) == 0 else {
            throw posixError("rename \(source.lastPathComponent) to \(destination.path)")
        }
        try syncDirectory(destination.deletingLastPathComponent())
        if source.deletingLastPathComponent() != destination.deletingLastPathComponent() {
            try syncDirectory(source.deletingLastPathComponent())
        }
    }

    public static func syncDirectory(_ directory: URL) throws {
        let descriptor = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw posixError("open \(directory.path)") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw posixError("sync \(directory.path)") }
    }

    static func posixError(_ operation: String) -> Error {
        let code = errno
        return NSError(
            domain: NSPOSIXErrorDomain, code: Int(code),
            userInfo: [NSLocalizedDescriptionKey: "\(operation): \(String(cString: strerror(code)))"])
    }
}
