import Foundation
import HubCore
import Subprocess

/// What a push must satisfy before git moves any ref. It runs as the pre-receive hook (the
/// `modelhub` binary itself), while the pushed objects are still quarantined: a refused push
/// leaves nothing behind.
public struct PushPolicy: Sendable {
    /// Files larger than this must go through Git LFS.
    public let maxFileSize: Int
    /// The branch that can never be deleted.
    public let defaultBranch: String

    public init(maxFileSize: Int, defaultBranch: String = "main") {
        self.maxFileSize = maxFileSize
        self.defaultBranch = defaultBranch
    }

    /// The reasons to refuse `updates`, one line each; empty when the push may go ahead.
    /// Runs `git` in the hook's environment, so it sees the quarantined objects.
    public func violations(in updates: [RefUpdate]) async throws -> [String] {
        var reasons: [String] = []
        for update in updates {
            if let reason = refViolation(update) {
                reasons.append(reason)
                continue
            }
            if !update.isDeletion {
                reasons += try await oversizedFiles(reachableFrom: update.new)
            }
        }
        return reasons
    }

    func refViolation(_ update: RefUpdate) -> String? {
        let shortName: Substring
        if update.ref.hasPrefix("refs/heads/") {
            shortName = update.ref.dropFirst("refs/heads/".count)
        } else if update.ref.hasPrefix("refs/tags/") {
            shortName = update.ref.dropFirst("refs/tags/".count)
        } else {
            return "\(update.ref): only branches (refs/heads/…) and tags (refs/tags/…) can be pushed"
        }
        if let rule = GitRefName.brokenRule(in: String(shortName)) {
            return "\(update.ref): invalid name, \(rule)"
        }
        if shortName.split(separator: "/").contains(where: { $0.hasPrefix("-") }) {
            return "\(update.ref): no part of a ref name can start with '-'"
        }
        if update.isDeletion && update.ref == "refs/heads/\(defaultBranch)" {
            return "\(update.ref): the \(defaultBranch) branch cannot be deleted"
        }
        return nil
    }

    /// Files over `maxFileSize` among the objects this push adds (those not reachable from any ref yet).
    func oversizedFiles(reachableFrom commit: String) async throws -> [String] {
        let omitted = try await git([
            "rev-list", "--objects", "--filter=blob:limit=\(maxFileSize + 1)", "--filter-print-omitted",
            commit, "--not", "--all",
        ]).split(separator: "\n").filter { $0.hasPrefix("~") }.map { String($0.dropFirst()) }
        guard !omitted.isEmpty else { return [] }
        var paths: [String: String] = [:]
        for line in try await git(["rev-list", "--objects", commit, "--not", "--all"]).split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2 { paths[String(parts[0])] = String(parts[1]) }
        }
        let mebibyte = 1024 * 1024
        let limit = maxFileSize % mebibyte == 0 ? "\(maxFileSize / mebibyte) MiB" : "\(maxFileSize) bytes"
        return omitted.map { oid in
            "\(paths[oid] ?? oid) is larger than \(limit): track it with Git LFS (git lfs track) and push again"
        }
    }

    private func git(_ arguments: [String]) async throws -> String {
        let result = try await Subprocess.run(
            .name("git"), arguments: Arguments(arguments), output: .string(limit: 256 << 20),
            error: .string(limit: 1 << 20))
        guard result.terminationStatus.isSuccess else {
            throw HubError.internalFailure("git \(arguments.first ?? "") failed: \(result.standardError)")
        }
        return result.standardOutput
    }
}
