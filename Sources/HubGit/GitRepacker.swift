import Foundation
import HubCore
import Subprocess

/// Keeps a repository cheap to serve: all its objects in one pack with a reachability bitmap, so
/// that `git upload-pack` sends a clone by reusing the pack's bytes instead of compressing every
/// object again (git's `Documentation/technical/bitmap-format.txt`; pack reuse works on a single
/// pack before git 2.44). A repository that pushes left as several packs, or an API commit as
/// loose objects, is repacked; one already in shape is left alone.
public enum GitRepacker {
    /// Whether `repository` has loose objects, more than one pack, or a pack without a bitmap.
    public static func needsRepack(_ repository: URL) -> Bool {
        let objects = repository.appendingPathComponent("objects")
        let manager = FileManager.default
        let hex = Set("0123456789abcdef")
        for folder in (try? manager.contentsOfDirectory(atPath: objects.path)) ?? []
        where folder.count == 2 && folder.allSatisfy({ hex.contains($0) }) {
            if let entries = try? manager.contentsOfDirectory(atPath: objects.appendingPathComponent(folder).path),
                !entries.isEmpty
            {
                return true
            }
        }
        let packFolder = objects.appendingPathComponent("pack")
        let names = (try? manager.contentsOfDirectory(atPath: packFolder.path)) ?? []
        let packs = names.filter { $0.hasSuffix(".pack") }
        guard packs.count == 1, let pack = packs.first else { return packs.count > 1 }
        return !names.contains(String(pack.dropLast(".pack".count)) + ".bitmap")
    }

    /// `git repack -a -d` with a bitmap: one new pack of every object (reusing the compressed
    /// bytes and deltas already on disk), then the packs it replaced and the loose objects it
    /// packed are deleted. Objects no ref reaches are kept too (`--keep-unreachable`): those of
    /// a push or an API commit whose ref is not updated yet must not go (deleting unreachable
    /// objects is the collector's job, after a grace period). git writes the new pack under a
    /// temporary name and renames it into place, so a crash leaves the old packs or the new one;
    /// a pack that lands meanwhile is not touched. Large blobs (weights up to the git file limit)
    /// are stored whole, not searched for deltas (`core.bigFileThreshold`).
    public static func repack(_ repository: URL) async throws {
        let result = try await GitProcesses.counted {
            try await Subprocess.run(
                .name("git"),
                arguments: [
                    "-c", "core.bigFileThreshold=1m", "-c", "pack.writeBitmapHashCache=true",
                    "-c", "gc.auto=0", "-C", repository.path, "repack", "-a", "-d", "-q", "--keep-unreachable",
                    "--write-bitmap-index",
                ],
                environment: .inherit.updating(isolated),
                output: .discarded, error: .string(limit: 16_384))
        }
        guard result.terminationStatus.isSuccess else {
            throw HubError.internalFailure(
                "git repack of \(repository.path) failed: \(result.standardError)")
        }
    }

    /// `git gc --auto`: when loose objects or packs have piled up past git's thresholds, packs
    /// them and deletes the unreachable objects older than `grace` seconds (a push's or an API
    /// commit's objects whose ref has not moved yet are younger). Does nothing otherwise.
    public static func collectGarbage(_ repository: URL, grace: TimeInterval) async throws {
        let result = try await GitProcesses.counted {
            try await Subprocess.run(
                .name("git"),
                arguments: [
                    "-c", "core.bigFileThreshold=1m", "-C", repository.path, "gc", "--auto", "--quiet",
                    "--prune=\(Int(grace.rounded(.up))).seconds.ago",
                ],
                environment: .inherit.updating(isolated),
                output: .discarded, error: .string(limit: 16_384))
        }
        guard result.terminationStatus.isSuccess else {
            throw HubError.internalFailure("git gc of \(repository.path) failed: \(result.standardError)")
        }
    }

    /// `git fsck --connectivity-only`: nil when every ref finds all its objects, else git's complaint.
    public static func checkConnectivity(_ repository: URL) async throws -> String? {
        let result = try await GitProcesses.counted {
            try await Subprocess.run(
                .name("git"),
                arguments: ["-C", repository.path, "fsck", "--connectivity-only", "--no-dangling"],
                environment: .inherit.updating(isolated),
                output: .discarded, error: .string(limit: 16_384))
        }
        return result.terminationStatus.isSuccess ? nil : result.standardError
    }

    /// What every git this type runs is given: only the repository named on its command line
    /// (none of a push hook's `GIT_DIR` or quarantine), no system config, every folder trusted.
    private static let isolated: [Environment.Key: String?] = [
        "GIT_DIR": nil, "GIT_WORK_TREE": nil, "GIT_OBJECT_DIRECTORY": nil,
        "GIT_ALTERNATE_OBJECT_DIRECTORIES": nil, "GIT_CONFIG_PARAMETERS": nil, "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "safe.directory", "GIT_CONFIG_VALUE_0": "*",
    ]
}
