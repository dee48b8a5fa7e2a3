import Foundation
import HubGit

/// The pre-receive hook git runs for every push: a two-line script that hands over to the
/// `modelhub` binary (`modelhub hook pre-receive`), which applies `PushPolicy`.
public struct PushHook: Sendable {
    public let executable: URL
    public let maxFileSize: Int

    public init(executable: URL, maxFileSize: Int) {
        self.executable = executable
        self.maxFileSize = maxFileSize
    }

    func install(in hooksDirectory: URL, temporaryDirectory: URL) throws {
        try FileManager.default.createDirectory(at: hooksDirectory, withIntermediateDirectories: true)
        let quoted = "'" + executable.path.replacingOccurrences(of: "'", with: "'\\''") + "'"
        let script = "#!/bin/sh\nexec \(quoted) hook pre-receive --max-file-size \(maxFileSize)\n"
        try DurableFiles.write(
            Array(script.utf8), to: hooksDirectory.appendingPathComponent("pre-receive"),
            temporaryDirectory: temporaryDirectory, mode: 0o755)
    }
}
