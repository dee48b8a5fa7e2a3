import ArgumentParser
import Foundation
import HubGit

/// Entry points git calls back into while serving a push. Not for people.
struct HookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook", abstract: "Run a git hook (called by git, not by people).",
        shouldDisplay: false, subcommands: [PreReceive.self])

    struct PreReceive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "pre-receive")

        @Option(name: .customLong("max-file-size")) var maxFileSize: Int

        func run() async throws {
            let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            guard let updates = RefUpdate.parse(input) else {
                FileHandle.standardError.write(Data("modelhub: malformed pre-receive input\n".utf8))
                throw ExitCode(1)
            }
            let reasons = try await PushPolicy(maxFileSize: maxFileSize).violations(in: updates)
            guard reasons.isEmpty else {
                let text = reasons.map { "modelhub: push refused: \($0)" }.joined(separator: "\n") + "\n"
                FileHandle.standardError.write(Data(text.utf8))
                throw ExitCode(1)
            }
        }
    }
}
