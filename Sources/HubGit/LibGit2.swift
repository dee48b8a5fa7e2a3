import CLibGit2
import HubCore
#if canImport(Glibc)
import Glibc
#endif

/// One-time set-up of libgit2 and the translation of its error codes.
enum LibGit2 {
    /// libgit2 is initialised once per process, with fsync of object and ref writes turned on
    /// (a commit the hub acknowledges survives a power cut) and strict object checks.
    static let ready: Void = {
        git_libgit2_init()
        _ = modelhub_git_enable_fsync(1)
        _ = modelhub_git_enable_strict_object_creation(1)
    }()

    /// Throws when `code` is a libgit2 failure. libgit2's message is thread-local, so this must run
    /// right after the call, with no suspension point in between.
    static func check(_ code: Int32, _ operation: @autoclosure () -> String) throws(GitError) {
        guard code < 0 else { return }
        // libgit2 does not always say why a write failed; errno still does, and a full disk
        // must be told apart from a broken repository (HTTP 507, not 500).
        let systemError = errno
        var detail = lastMessage()
        if systemError == ENOSPC || systemError == EDQUOT {
            detail += ": " + String(cString: strerror(systemError))
        }
        throw GitError(code: code, operation: operation(), detail: detail)
    }

    static func lastMessage() -> String {
        guard let error = git_error_last(), let message = error.pointee.message else { return "unknown error" }
        return String(cString: message)
    }
}

/// A libgit2 failure. Its text is for logs: HubHTTP never sends it to a client.
public struct GitError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let operation: String
    public let detail: String

    public var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }

    public var description: String { "\(operation) failed (\(code)): \(detail)" }
}

extension git_oid {
    /// The 40 lowercase hex characters of the object id.
    var hex: String {
        var copy = self
        var buffer = [CChar](repeating: 0, count: 41)
        git_oid_fmt(&buffer, &copy)
        buffer[40] = 0
        return String(cString: buffer)
    }
}
