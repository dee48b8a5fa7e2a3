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
    /// The capability list of protocol v0/v1 advertisements, once learned from git.
    private let learnedCapabilities = LearnedCapabilities()
    private let startedProcesses = ProcessCount()
    /// Pushes are checked by `receive.fsckObjects` and the pre-receive hook in `hooksDirectory`.
    public init(hooksDirectory: URL) {
        self.hooksDirectory = hooksDirectory
        // A git process that exits while its stdin is still being written must not kill the
        // server with SIGPIPE; the write fails with EPIPE instead.
        signal(SIGPIPE, SIG_IGN)
    }

    /// How many git processes this transport has started: what the in-process answers spare.
    public var processesStarted: Int { startedProcesses.value.load(ordering: .relaxed) }

    /// Whether the client asked for protocol v2 (`Git-Protocol: version=2`).
    public static func wantsVersion2(_ gitProtocol: String?) -> Bool {
        protocolVersion(gitProtocol) == 2
    }

    /// The protocol version git serves for a `Git-Protocol` value: the highest `version=` it
    /// knows among the parameters, 0 when there is none (protocol.c,
    /// `determine_protocol_version_server`).
    static func protocolVersion(_ gitProtocol: String?) -> Int {
        guard let parameters = sanitizedProtocol(gitProtocol)?.split(separator: ":") else { return 0 }
        let known: [Substring: Int] = ["version=0": 0, "version=1": 1, "version=2": 2]
        return parameters.compactMap { known[$0] }.max() ?? 0
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
    ///
    /// For `git-upload-pack` it is made here, without a git process, once git's own answer has
    /// shown what it looks like: protocol v2's capability list is the same for every repository,
    /// and v0/v1's ref listing is read through libgit2 around a capability list learned from git
    /// (`UploadPackCapabilities`), trusted only after rendering that very repository gave git's
    /// bytes exactly. `git-receive-pack` (a push, rare) always asks git.
    public func advertiseRefs(
        _ service: GitService, repository: URL, gitProtocol: String?,
        output: @escaping @Sendable ([UInt8]) async throws -> Void
    ) async throws {
        let preamble = PacketLine.data("# service=\(service.rawValue)\n") + PacketLine.flush
        if service == .receivePack {
            try await output(preamble)
            try await output(advertisementFromGit(service, repository: repository, gitProtocol: gitProtocol))
            return
        }
        let version = Self.protocolVersion(gitProtocol)
        if version < 2 {
            try await output(preamble)
            if let capabilities = learnedCapabilities.value,
                let advertisement = try? GitRepository.open(at: repository).refListing()
                    .uploadPackAdvertisement(capabilities: capabilities, version1: version == 1)
            {
                try await output(advertisement)
                return
            }
            let advertisement = try await advertisementFromGit(service, repository: repository, gitProtocol: gitProtocol)
            try await output(advertisement)
            learnCapabilities(from: advertisement, of: repository, version1: version == 1)
            return
        }
        let key = Self.sanitizedProtocol(gitProtocol) ?? ""
        if let known = version2Advertisements.value(for: key) {
            try await output(known)
            return
        }
        let advertisement = try await advertisementFromGit(service, repository: repository, gitProtocol: gitProtocol)
        version2Advertisements.store(advertisement, for: key)
        try await output(advertisement)
    }

    /// What `git <service> --advertise-refs` prints for `repository`.
    private func advertisementFromGit(_ service: GitService, repository: URL, gitProtocol: String?) async throws -> [UInt8] {
        let printed = Printed()
        let noInput: [[UInt8]] = []
        try await run(
            service, arguments: ["--advertise-refs"], repository: repository, gitProtocol: gitProtocol,
            input: noInput.async, output: { printed.append($0) })
        return printed.bytes
    }

    /// Keeps the capability list of `advertisement` (git's v0/v1 answer for `repository`) when
    /// the repository's `HEAD` shows where its `symref=` goes and the listing read here renders
    /// to git's bytes exactly; otherwise (a push moved a ref in between, an empty repository)
    /// the next request asks git again.
    private func learnCapabilities(from advertisement: [UInt8], of repository: URL, version1: Bool) {
        guard let listing = try? GitRepository.open(at: repository).refListing(),
            case .resolved(let head) = listing.head, let headTarget = head.symrefTarget,
            let capabilities = UploadPackCapabilities(learningFrom: advertisement, headTarget: headTarget),
            listing.uploadPackAdvertisement(capabilities: capabilities, version1: version1) == advertisement
        else { return }
        learnedCapabilities.store(capabilities)
    }

    /// Runs one RPC (`POST …/git-upload-pack` or `…/git-receive-pack`): `input` is the request
    /// body, already decompressed; the process's stdout goes to `output` as it is produced.
    /// `hookEnvironment` is passed to the process (and so to the pre-receive hook): the
    /// repository's identity for the push policy.
    ///
    /// A protocol v2 `ls-refs` is answered here from libgit2 (`GitRefListing`) without a git
    /// process; every other command, and any request this side does not fully understand, goes to
    /// git with the bytes already read put back in front.
    public func serve<Input: AsyncSequence & Sendable>(
        _ service: GitService, repository: URL, gitProtocol: String?, hookEnvironment: [String: String] = [:],
        input: Input, output: @escaping @Sendable ([UInt8]) async throws -> Void
    ) async throws where Input.Element == [UInt8] {
        guard service == .uploadPack, Self.wantsVersion2(gitProtocol) else {
            try await run(
                service, arguments: [], repository: repository, gitProtocol: gitProtocol,
                extraEnvironment: hookEnvironment, input: input, output: output)
            return
        }
        var rest = input.makeAsyncIterator()
        var received: [UInt8] = []
        var parsed = LsRefsRequest.Parsed.incomplete
        while case .incomplete = parsed, received.count <= LsRefsRequest.maxInspectedSize,
            let chunk = try await rest.next()
        {
            received += chunk
            parsed = LsRefsRequest.parse(received)
        }
        if case .lsRefs(let request) = parsed, let answer = lsRefsAnswer(to: request, repository: repository) {
            try await output(answer)
            return
        }
        try await run(
            service, arguments: [], repository: repository, gitProtocol: gitProtocol, extraEnvironment: hookEnvironment,
            input: ResumedInput(received: received, rest: rest), output: output)
    }

    /// `ls-refs` answered in-process; nil when git must answer (the repository cannot be read
    /// here, it has a ref to a missing object, or `unborn` was asked before this process learned git's `lsrefs.unborn` setting
    /// from its v2 capability list).
    private func lsRefsAnswer(to request: LsRefsRequest, repository: URL) -> [UInt8]? {
        var unbornAllowed = false
        if request.unborn {
            guard let advertisement = version2Advertisements.anyValue else { return nil }
            unbornAllowed = advertisement.firstRange(of: Array("ls-refs=unborn".utf8)) != nil
        }
        guard let listing = try? GitRepository.open(at: repository).refListing(), !listing.hasRefsToMissingObjects else {
            return nil
        }
        return listing.lsRefsAnswer(to: request, unbornAllowed: unbornAllowed)
    }

    private func run<Input: AsyncSequence>(
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

        startedProcesses.value.add(1, ordering: .relaxed)
        let result = try await GitProcesses.counted {
            try await Subprocess.run(
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

    /// Any advertisement git printed (they differ only by what the client's parameters asked).
    var anyValue: [UInt8]? {
        entries.withLock { $0.values.first }
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

/// The capability list of protocol v0/v1 advertisements, once learned.
private final class LearnedCapabilities: Sendable {
    private let learned = Mutex<UploadPackCapabilities?>(nil)

    var value: UploadPackCapabilities? { learned.withLock { $0 } }

    func store(_ capabilities: UploadPackCapabilities) {
        learned.withLock { $0 = capabilities }
    }
}

/// A request body whose first bytes were already read: they come first, then the rest.
private struct ResumedInput<Rest: AsyncIteratorProtocol>: AsyncSequence where Rest.Element == [UInt8] {
    typealias Element = [UInt8]
    let received: [UInt8]
    let rest: Rest

    struct AsyncIterator: AsyncIteratorProtocol {
        var received: [UInt8]?
        var rest: Rest

        mutating func next() async throws -> [UInt8]? {
            if let received {
                self.received = nil
                if !received.isEmpty { return received }
            }
            return try await rest.next()
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(received: received, rest: rest) }
}

/// A count shared by every copy of a transport.
private final class ProcessCount: Sendable {
    let value = Atomic<Int>(0)
}
