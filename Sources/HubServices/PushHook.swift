import Foundation
import HubCore
import HubGit

/// The pre-receive hook git runs for every push: a two-line script that hands over to the
/// `modelhub` binary (`modelhub hook pre-receive`), which applies `PushPolicy`.
public struct PushHook: Sendable {
    /// Set in receive-pack's environment: which repository the hook is checking a push for.
    public static let repoRowIDVariable = "MODELHUB_REPO_ROW_ID"
    /// Who is pushing (a user's row id), and whether they may write to the repository ("1") or
    /// only push to pull requests ("0").
    public static let pusherIDVariable = "MODELHUB_PUSHER_ID"
    public static let pusherWritesVariable = "MODELHUB_PUSHER_WRITES"

    public let executable: URL
    public let maxFileSize: Int
    /// Variables the hook runs with (which blob store to check pushed LFS objects in), given to
    /// each push's git process rather than written into the script.
    public let environment: [String: String]

    public init(executable: URL, maxFileSize: Int, environment: [String: String] = [:]) {
        self.executable = executable
        self.maxFileSize = maxFileSize
        self.environment = environment
    }

    func install(in hooksDirectory: URL, dataDirectory: URL, temporaryDirectory: URL) throws {
        try FileManager.default.createDirectory(at: hooksDirectory, withIntermediateDirectories: true)
        let script = "#!/bin/sh\nexec \(Self.quoted(executable.path)) hook pre-receive --max-file-size \(maxFileSize)"
            + " --data-dir \(Self.quoted(dataDirectory.path))\n"
        let file = hooksDirectory.appendingPathComponent("pre-receive")
        // Unchanged since the last start: nothing to write, so a full disk does not stop the
        // server from starting (and serving reads).
        if FileManager.default.contents(atPath: file.path) == Data(script.utf8),
            FileManager.default.isExecutableFile(atPath: file.path)
        {
            return
        }
        try DurableFiles.write(Array(script.utf8), to: file, temporaryDirectory: temporaryDirectory, mode: 0o755)
    }

    static func quoted(_ path: String) -> String {
        "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
