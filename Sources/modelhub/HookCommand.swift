import ArgumentParser
import Foundation
import HubCore
import HubGit
import HubServer
import HubServices

/// Entry points git calls back into while serving a push. Not for people.
struct HookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook", abstract: "Run a git hook (called by git, not by people).",
        shouldDisplay: false, subcommands: [PreReceive.self])

    struct PreReceive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "pre-receive")

        @Option(name: .customLong("max-file-size")) var maxFileSize: Int
        @Option(name: .customLong("data-dir")) var dataDir: String

        func run() async throws {
            let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            guard let updates = RefUpdate.parse(input) else {
                FileHandle.standardError.write(Data("modelhub: malformed pre-receive input\n".utf8))
                throw ExitCode(1)
            }
            guard let repoRowID = ProcessInfo.processInfo.environment[PushHook.repoRowIDVariable].flatMap(Int64.init) else {
                FileHandle.standardError.write(Data("modelhub: the push hook ran without its repository\n".utf8))
                throw ExitCode(1)
            }
            // The server gave its storage settings and the pusher in the environment
            // (PushHook.environment, GitGateway.pushHookVariables).
            let environment = ProcessInfo.processInfo.environment
            var configuration = ServerConfiguration()
            try configuration.apply(environment: environment)
            configuration.dataDir = dataDir
            let hub = try await Hub.open(configuration: configuration, environment: environment)
            defer { try? hub.close() }
            var reasons = try await hub.discussions.pushRefusals(
                updates, repoRowID: repoRowID, pusherID: environment[PushHook.pusherIDVariable].flatMap { Int64($0) },
                writes: environment[PushHook.pusherWritesVariable] == "1")
            reasons += try await PushPolicy(maxFileSize: maxFileSize).violations(in: updates) { pointers in
                try await hub.lfs.missingObjects(pointers, repoRowID: repoRowID)
            }
            if reasons.isEmpty {
                // What the push adds to the repository: the objects git holds in quarantine for it
                // (git-receive-pack(1), "QUARANTINE ENVIRONMENT"). Its LFS objects were charged
                // when git-lfs uploaded them, before the push.
                let quarantine = environment["GIT_QUARANTINE_PATH"]
                do {
                    try await hub.repos.admitStorage(toRepoRowID: repoRowID) {
                        quarantine.map { FolderSize.bytes(under: URL(fileURLWithPath: $0)) } ?? 0
                    }
                } catch HubError.forbidden(let message) {
                    reasons.append(message)
                }
            }
            guard reasons.isEmpty else {
                let text = reasons.map { "modelhub: push refused: \($0)" }.joined(separator: "\n") + "\n"
                FileHandle.standardError.write(Data(text.utf8))
                throw ExitCode(1)
            }
        }
    }
}
