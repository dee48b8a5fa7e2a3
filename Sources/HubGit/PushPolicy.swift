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
    /// `missingLFSObjects` answers which of the pushed LFS pointers have no uploaded object.
    public func violations(
        in updates: [RefUpdate], missingLFSObjects: ([LFSPointer]) async throws -> [LFSPointer]
    ) async throws -> [String] {
        var reasons: [String] = []
        for update in updates {
            if let reason = refViolation(update) {
                reasons.append(reason)
                continue
            }
            if !update.isDeletion {
                reasons += try await refusedFiles(reachableFrom: update.new)
                let pointers = try await newLFSPointers(reachableFrom: update.new)
                let missing = Set(try await missingLFSObjects(pointers.map(\.pointer)))
                for (path, pointer) in pointers where missing.contains(pointer) {
                    reasons.append(
                        "\(path) is a Git LFS pointer to object \(pointer.oid) (\(pointer.size) bytes), which was never"
                            + " uploaded: run `git lfs push --all origin` (or check that git-lfs is installed) and push again")
                }
            }
        }
        return reasons
    }

    /// The LFS pointers among the files this push adds, with their paths.
    func newLFSPointers(reachableFrom commit: String) async throws -> [(path: String, pointer: LFSPointer)] {
        var paths: [String: String] = [:]
        let listing = try await git([
            "rev-list", "--objects", "--filter=blob:limit=\(LFSPointer.maxLength + 1)", commit, "--not", "--all",
        ])
        for line in listing.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2, !parts[0].hasPrefix("~") { paths[String(parts[0])] = String(parts[1]) }
        }
        guard !paths.isEmpty else { return [] }
        let result = try await GitProcesses.counted {
            try await Subprocess.run(
                .name("git"), arguments: ["cat-file", "--batch"],
                input: .string(paths.keys.sorted().joined(separator: "\n") + "\n"),
                output: .bytes(limit: 512 << 20), error: .string(limit: 1 << 20))
        }
        guard result.terminationStatus.isSuccess else {
            throw HubError.internalFailure("git cat-file failed: \(result.standardError)")
        }
        var pointers: [(String, LFSPointer)] = []
        var bytes = result.standardOutput[...]
        // Each object: "<oid> <type> <size>\n<content>\n".
        while let newline = bytes.firstIndex(of: 0x0A) {
            let header = String(decoding: bytes[bytes.startIndex..<newline], as: UTF8.self).split(separator: " ")
            guard header.count == 3, let size = Int(header[2]) else { break }
            let contentStart = bytes.index(after: newline)
            let contentEnd = bytes.index(contentStart, offsetBy: size)
            if header[1] == "blob", let pointer = LFSPointer(parsing: bytes[contentStart..<contentEnd]),
                let path = paths[String(header[0])]
            {
                pointers.append((path, pointer))
            }
            bytes = bytes[bytes.index(after: contentEnd)...]
        }
        return pointers
    }

    func refViolation(_ update: RefUpdate) -> String? {
        let shortName: Substring
        if update.ref.hasPrefix("refs/pr/") {
            // A pull request's commits: whether this pusher may push to that pull request is the
            // hook's to check against the index.
            return Discussion.number(inRef: update.ref) == nil ? "\(update.ref): pull request refs are refs/pr/<number>" : nil
        } else if update.ref.hasPrefix("refs/heads/") {
            shortName = update.ref.dropFirst("refs/heads/".count)
        } else if update.ref.hasPrefix("refs/tags/") {
            shortName = update.ref.dropFirst("refs/tags/".count)
        } else {
            return "\(update.ref): only branches (refs/heads/…), tags (refs/tags/…) and pull requests (refs/pr/N) can be pushed"
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

    /// Files over `maxFileSize` among the objects this push adds (those not reachable from any ref
    /// yet), and paths with a backslash: git on Windows and huggingface_hub's local folders take
    /// `a\b` for a folder `a`, and `..\x` would climb out of a checkout, so the hub refuses them on
    /// every write path (git's own fsck already refuses `..` components).
    func refusedFiles(reachableFrom commit: String) async throws -> [String] {
        let listing = try await git([
            "rev-list", "--objects", "--filter=blob:limit=\(maxFileSize + 1)", "--filter-print-omitted",
            commit, "--not", "--all",
        ]).split(separator: "\n")
        var reasons: [String] = []
        for line in listing where !line.hasPrefix("~") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[1].contains("\\") {
                reasons.append("\(parts[1]): a path may not contain a backslash")
            }
        }
        let omitted = listing.filter { $0.hasPrefix("~") }.map { String($0.dropFirst()) }
        guard !omitted.isEmpty else { return reasons }
        var paths: [String: String] = [:]
        for line in try await git(["rev-list", "--objects", commit, "--not", "--all"]).split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2 { paths[String(parts[0])] = String(parts[1]) }
        }
        let mebibyte = 1024 * 1024
        let limit = maxFileSize % mebibyte == 0 ? "\(maxFileSize / mebibyte) MiB" : "\(maxFileSize) bytes"
        return reasons + omitted.map { oid in
            "\(paths[oid] ?? oid) is larger than \(limit): track it with Git LFS (git lfs track) and push again"
        }
    }

    private func git(_ arguments: [String]) async throws -> String {
        let result = try await GitProcesses.counted {
            try await Subprocess.run(
                .name("git"), arguments: Arguments(arguments), output: .string(limit: 256 << 20),
                error: .string(limit: 1 << 20))
        }
        guard result.terminationStatus.isSuccess else {
            throw HubError.internalFailure("git \(arguments.first ?? "") failed: \(result.standardError)")
        }
        return result.standardOutput
    }
}
