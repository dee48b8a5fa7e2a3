import Foundation
import HubCore
import Subprocess

/// Copies another hub's repository with the real git, for the pull-through mirror: a first
/// `git clone --mirror` (every branch, tag and pull request ref), then `git fetch --prune` of
/// the same refs when the mirror is refreshed. Credentials go in the environment
/// (`http.extraHeader` through `GIT_CONFIG_*`), never on the command line, where any local
/// user could read them.
public enum GitMirror {
    /// Clones `url` into `location` (a new bare repository).
    public static func clone(from url: String, headers: [String], into location: URL) async throws {
        try await run(["clone", "--mirror", "--quiet", "--", url, location.path], headers: headers)
    }

    /// Brings the bare mirror at `location` up to date with `url`: refs upstream deleted go too.
    public static func fetch(from url: String, headers: [String], into location: URL) async throws {
        try await run(
            ["--git-dir", location.path, "fetch", "--prune", "--force", "--quiet", "--", url, "+refs/*:refs/*"],
            headers: headers)
    }

    /// A stalled upstream (connected, sending nothing) is given up after this many seconds below
    /// one kilobyte a second, instead of holding the request that waits for it forever.
    static let stallSeconds = 20

    static func run(_ arguments: [String], headers: [String]) async throws {
        var settings = [
            ("safe.directory", "*"), ("http.lowSpeedLimit", "1000"), ("http.lowSpeedTime", String(stallSeconds)),
            ("credential.helper", ""), ("protocol.version", "2"),
        ]
        settings += headers.map { ("http.extraHeader", $0) }
        var environment: [Environment.Key: String?] = [
            "GIT_DIR": nil, "GIT_WORK_TREE": nil, "GIT_OBJECT_DIRECTORY": nil, "GIT_ALTERNATE_OBJECT_DIRECTORIES": nil,
            "GIT_CONFIG_PARAMETERS": nil, "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "true",
            "GIT_LFS_SKIP_SMUDGE": "1", "GIT_CONFIG_COUNT": String(settings.count),
        ]
        for (index, (key, value)) in settings.enumerated() {
            environment[Environment.Key(stringLiteral: "GIT_CONFIG_KEY_\(index)")] = key
            environment[Environment.Key(stringLiteral: "GIT_CONFIG_VALUE_\(index)")] = value
        }
        let result = try await GitProcesses.counted {
            try await Subprocess.run(
                .name("git"), arguments: Arguments(arguments), environment: .inherit.updating(environment),
                output: .discarded, error: .string(limit: 16_384))
        }
        guard result.terminationStatus.isSuccess else {
            throw HubError.upstreamFailed(
                "The upstream hub did not give the repository: \(Self.firstLine(of: result.standardError ?? ""))")
        }
    }

    /// git's own words, without a URL that could carry credentials.
    static func firstLine(of text: String) -> String {
        let line = text.split(separator: "\n").first { $0.hasPrefix("fatal:") || $0.hasPrefix("error:") } ?? ""
        return String(line.prefix(300))
    }
}
