import Foundation
import HubCore
import Synchronization

/// How many git processes this process is running at this moment (the wire protocol's, a push's
/// checks, repacks), for the operator's metrics: each spawn goes through `counted`.
public enum GitProcesses {
    private static let running = Atomic<Int>(0)

    public static var runningNow: Int { running.load(ordering: .relaxed) }

    /// Runs `body` (which spawns one git and waits for it) counted as one running process.
    static func counted<Result>(_ body: () async throws -> Result) async throws -> Result {
        running.add(1, ordering: .relaxed)
        defer { running.subtract(1, ordering: .relaxed) }
        return try await body()
    }
}

extension GitProcesses {
    /// Whether the `git` every spawn runs is on `PATH`, as the spawns look it up: an executable
    /// file named `git` in one of its folders. (Looked up, not run: starting a process under load
    /// can take seconds, and a readiness probe must answer in time.)
    public static func checkGitPresent(path: String? = ProcessInfo.processInfo.environment["PATH"]) throws {
        let folders = (path ?? "").split(separator: ":", omittingEmptySubsequences: true)
        guard folders.contains(where: { FileManager.default.isExecutableFile(atPath: "\($0)/git") }) else {
            throw HubError.internalFailure("git is not on PATH (\(path ?? "unset"))")
        }
    }
}
