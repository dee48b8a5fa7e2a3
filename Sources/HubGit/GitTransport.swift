import Foundation
import HubCore
import Subprocess
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Serves git's smart-HTTP protocol by running the reference `git upload-pack` and
/// `git receive-pack` in `--stateless-rpc` mode, one process per request, with bodies streamed
/// both ways (a pack is never held in memory whole).
///
/// Every argument is built here: the repository path comes from `RepositoryStorage`, never from
/// the request, and the only request-derived value, the `Git-Protocol` header, is validated.
public struct GitTransport: Sendable {
    public let hooksDirectory: URL
    /// Protocol v2's capability advertisement, as git printed it the first time (by `Git-Protocol`
    /// value): it names the git version and the server's settings, never a ref, so it is the
    /// same for every repository and every request (gitprotocol-v2(5), "Capability
    /// Advertisement"), and answering it from here spares a process per fetch.
    private let version2Advertisements = AdvertisementCache()
    /// Pushes are checked by `receive.fsckObjects` and the pre-receive hook in `hooksDirectory`.
    public init(hooksDirectory: URL) {
        self.hooksDirectory = hooksDirectory
        // A git process that exits while its stdin is still being written must not kill the
        // server with SIGPIPE; the write fails with EPIPE instead.
        signal(SIGPIPE, SIG_IGN)
    }

    /// Whether the client asked for protocol v2 (`Git-Protocol: version=2`).
    public static func wantsVersion2(_ gitProtocol: String?) -> Bool {
        sanitizedProtocol(gitProtocol)?.split(separator: ":").contains("version=2") ?? false
    }

    /// `Git-Protocol` is a colon-separated list of `key=value` parameters; anything else is dropped.
    static func sanitizedProtocol(_ value: String?) -> String? {
        guard let value, !value.isEmpty, value.utf8.count <= 256 else { return nil }
        let allowed = value.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                || "=:._-".unicodeScalars.contains(scalar))
        }
        return allowed ? value : nil
    }

    /// The ref advertisement that answers `GET …/info/refs?service=…`, including the
    /// `# service=` preamble that protocol v0 expects (and v2 does not).
    public func advertiseRefs(
        _ service: GitService, repository: URL, gitProtocol: String?,
        output: @escaping @Sendable ([UInt8]) async throws -> Void
    ) async throws {
        let input: [[UInt8]] = []
        if service == .receivePack || !Self.wantsVersion2(gitProtocol) {
            try await output(PacketLine.data("# service=\(service.rawValue)\n") + PacketLine.flush)
            try await run(
                service, arguments: ["--advertise-refs"], repository: repository, gitProtocol: gitProtocol,
                input: input.async, output: output)
            return
        }
        let key = Self.sanitizedProtocol(gitProtocol) ?? ""
        if let known = version2Advertisements.value(for: key) {
            try await output(known)
            return
        }
        let printed = Printed()
        try await run(
            service, arguments: ["--advertise-refs"], repository: repository, gitProtocol: gitProtocol,
            input: input.async, output: { printed.append($0) })
        let advertisement = printed.bytes
        version2Advertisements.store(advertisement, for: key)
        try await output(advertisement)
    }

    /// Runs one RPC (`POST …/git-upload-pack` or `…/git-receive-pack`): `input` is the request
    /// body, already decompressed; the process's stdout goes to `output` as it is produced.
    /// `hookEnvironment` is passed to the process (and so to the pre-receive hook): the
    /// repository's identity for the push policy.
    public func serve<Input: AsyncSequence & Sendable>(
        _ service: GitService, repository: URL, gitProtocol: String?, hookEnvironment: [String: String] = [:],
        input: Input, output: @escaping @Sendable ([UInt8]) async throws -> Void
    ) async throws where Input.Element == [UInt8] {
        try await run(
            service, arguments: [], repository: repository, gitProtocol: gitProtocol, extraEnvironment: hookEnvironment,
            input: input, output: output)
    }

    private func run<Input: AsyncSequence & Sendable>(
        _ service: GitService, arguments extra: [String], repository: URL, gitProtocol: String?,
        extraEnvironment: [String: String] = [:], input: Input, output: @escaping @Sendable ([UInt8]) async throws -> Void
    ) async throws where Input.Element == [UInt8] {
        var arguments: [String] = []
        if service == .receivePack {
            arguments += [
                "-c", "receive.fsckObjects=true",
                "-c", "receive.denyNonFastForwards=true",
                // A pushed pack is kept as it came (not exploded into loose objects, which every
                // clone would then compress again), and the hub repacks after the push instead
                // of git's own `gc --auto` (see GitRepacker).
                "-c", "receive.unpackLimit=1", "-c", "receive.autogc=false",
                "-c", "core.hooksPath=\(hooksDirectory.path)",
            ]
        } else {
            arguments += ["-c", "uploadpack.allowFilter=true"]
        }
        arguments += [service.subcommand, "--stateless-rpc"] + extra + ["--", repository.path]

        var environment: [Environment.Key: String?] = [
            "GIT_DIR": nil, "GIT_WORK_TREE": nil, "GIT_OBJECT_DIRECTORY": nil,
            "GIT_ALTERNATE_OBJECT_DIRECTORIES": nil, "GIT_CONFIG_PARAMETERS": nil,
            "GIT_TERMINAL_PROMPT": "0", "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_PROTOCOL": Self.sanitizedProtocol(gitProtocol),
        ]
        // receive-pack would otherwise refuse a push into a repository that a different user owns.
        environment["GIT_CONFIG_COUNT"] = "1"
        environment["GIT_CONFIG_KEY_0"] = "safe.directory"
        environment["GIT_CONFIG_VALUE_0"] = "*"
        for (name, value) in extraEnvironment {
            environment[Environment.Key(stringLiteral: name)] = value
        }

        let result = try await Subprocess.run(
            .name("git"), arguments: Arguments(arguments), environment: .inherit.updating(environment),
            input: .inputWriter, output: .sequence, error: .sequence
        ) { execution in
            try await withThrowingTaskGroup(of: String?.self) { group in
                group.addTask {
                    for try await chunk in execution.standardOutput {
                        let bytes = chunk.withUnsafeBytes { Array($0) }
                        try await output(bytes)
                    }
                    return nil
                }
                group.addTask {
                    var diagnostics: [UInt8] = []
                    for try await chunk in execution.standardError where diagnostics.count < 16_384 {
                        diagnostics += chunk.withUnsafeBytes { Array($0) }
                    }
                    return String(decoding: diagnostics, as: UTF8.self)
                }
                do {
                    for try await chunk in input where !chunk.isEmpty {
                        _ = try await execution.standardInputWriter.write(chunk)
                    }
                } catch is SubprocessError {
                    // git stopped reading (it failed or finished early): what it printed still
                    // goes back to the client, and its exit status tells what happened.
                }
                try? await execution.standardInputWriter.finish()
                var diagnostics = ""
                for try await text in group {
                    if let text { diagnostics = text }
                }
                return diagnostics
            }
        }
        if !result.terminationStatus.isSuccess {
            throw GitProcessFailure(
                service: service, status: "\(result.terminationStatus)", diagnostics: result.closureResult)
        }
    }
}

/// A git process that exited with a failure; its stderr is kept for the log.
public struct GitProcessFailure: Error, CustomStringConvertible {
    public let service: GitService
    public let status: String
    public let diagnostics: String

    public var description: String { "\(service.rawValue) exited with \(status): \(diagnostics)" }
}

extension Array where Element: Sendable {
    /// This array as an async sequence (used for empty or small fixed inputs).
    var async: AsyncArray<Element> { AsyncArray(elements: self) }
}

struct AsyncArray<Element: Sendable>: AsyncSequence, Sendable {
    let elements: [Element]

    struct AsyncIterator: AsyncIteratorProtocol {
        var iterator: IndexingIterator<[Element]>
        mutating func next() async -> Element? { iterator.next() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(iterator: elements.makeIterator()) }
}

/// Protocol v2 capability advertisements git printed, by `Git-Protocol` value.
private final class AdvertisementCache: Sendable {
    private let entries = Mutex<[String: [UInt8]]>([:])

    func value(for key: String) -> [UInt8]? {
        entries.withLock { $0[key] }
    }

    func store(_ bytes: [UInt8], for key: String) {
        // Few distinct values reach here (the header is validated); a bound all the same.
        entries.withLock { if $0.count < 16 { $0[key] = bytes } }
    }
}

/// What a git process printed, collected.
private final class Printed: Sendable {
    private let collected = Mutex<[UInt8]>([])

    func append(_ bytes: [UInt8]) {
        collected.withLock { $0 += bytes }
    }

    var bytes: [UInt8] { collected.withLock { $0 } }
}
