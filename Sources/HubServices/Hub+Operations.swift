import Foundation
import HubCore
import HubGit

/// What an operator reads of a running hub: its contents in figures, and whether it can serve.
extension Hub {
    /// The git processes this process runs at this moment.
    public var gitProcessesRunning: Int { GitProcesses.runningNow }

    /// Repositories by kind, and the bytes of LFS objects stored.
    public func statistics() async throws -> HubStatistics {
        var repositories: [RepoKind: Int] = [:]
        for kind in RepoKind.allCases {
            repositories[kind] = try await repos.countAll(kind: kind)
        }
        return HubStatistics(repositories: repositories, lfsStoredBytes: try await lfs.store.storedBytes())
    }

    /// Each thing serving depends on, checked now: the index answers, the data folder takes a
    /// write, `git` is on `PATH`, the blob store answers. A check that has not answered after `timeout`
    /// has failed.
    public func readiness(timeout: Duration = .seconds(5)) async -> [ReadinessCheck] {
        await withTaskGroup(of: ReadinessCheck.self) { group in
            let checks: [(String, @Sendable () async throws -> Void)] = [
                ("database", { _ = try await self.repos.indexVersion() }),
                ("dataFolder", { try self.checkDataFolderWritable() }),
                ("git", { try GitProcesses.checkGitPresent() }),
                ("blobStore", { try await self.lfs.checkBlobStore() }),
            ]
            for (name, check) in checks {
                group.addTask { await ReadinessCheck.run(name, timeout: timeout, check) }
            }
            var results: [ReadinessCheck] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.name < $1.name }
        }
    }

    /// Writes, reads back and removes a small file in this hub's scratch area, where every
    /// upload and commit writes first.
    func checkDataFolderWritable() throws {
        let probe = scratch.directory.appendingPathComponent("ready-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: probe) }
        let bytes = Data("ready".utf8)
        try bytes.write(to: probe)
        guard try Data(contentsOf: probe) == bytes else {
            throw HubError.internalFailure("the data folder returned other bytes than were written")
        }
    }
}

/// A hub's contents in figures, for the operator's metrics.
public struct HubStatistics: Sendable, Equatable {
    public var repositories: [RepoKind: Int]
    public var lfsStoredBytes: Int64
}
