import Foundation
@testable import HubGit
import Synchronization
import Testing

/// The ref advertisement and `ls-refs` made in-process must be git's own bytes: each repository
/// shape below is answered by `git upload-pack` and by `GitTransport`, and the two compared
/// byte for byte, for protocol v0, v1 and v2.
@Suite struct RefAdvertisementTests {
    /// Runs git with `arguments` on `input`; returns its stdout.
    @discardableResult
    static func git(_ arguments: [String], protocol gitProtocol: String? = nil, input: [UInt8] = []) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-c", "user.name=alice", "-c", "user.email=alice@example.com"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_PROTOCOL"] = gitProtocol
        process.environment = environment
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "git \(arguments)")
        return Array(output)
    }

    /// What `git upload-pack --advertise-refs` prints (no `# service=` preamble).
    static func gitsAdvertisement(of repository: URL, protocol gitProtocol: String?) throws -> [UInt8] {
        try git(
            ["-c", "uploadpack.allowFilter=true", "upload-pack", "--stateless-rpc", "--advertise-refs", "--", repository.path],
            protocol: gitProtocol)
    }

    /// git's answer to a protocol v2 `ls-refs` with `arguments`.
    static func gitsLsRefs(of repository: URL, arguments: [String]) throws -> [UInt8] {
        try git(
            ["-c", "uploadpack.allowFilter=true", "upload-pack", "--stateless-rpc", "--", repository.path],
            protocol: "version=2", input: lsRefsRequest(arguments))
    }

    static func lsRefsRequest(_ arguments: [String]) -> [UInt8] {
        var request = PacketLine.data("command=ls-refs\n") + PacketLine.data("agent=git/2.39.5\n")
            + PacketLine.data("object-format=sha1\n") + Array("0001".utf8)
        for argument in arguments { request += PacketLine.data(argument + "\n") }
        return request + PacketLine.flush
    }

    static func collect(_ body: (@escaping @Sendable ([UInt8]) async throws -> Void) async throws -> Void) async throws -> [UInt8] {
        let printed = Mutex<[UInt8]>([])
        try await body { bytes in printed.withLock { $0 += bytes } }
        return printed.withLock { $0 }
    }

    /// Bytes as text, for readable failures (every byte here is ASCII; a NUL shows as `\\0`).
    static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\u{0}", with: "\\0")
    }

    static let preamble = Array("001e# service=git-upload-pack\n0000".utf8)

    /// A repository with every kind of ref: branches whose names sort differently as bytes and
    /// as text (accents, `-` before `/`), packed and loose refs, lightweight and annotated tags,
    /// a tag of a tag, pull request and conversion refs, a symbolic ref under `refs/`.
    static func busyRepository() throws -> GitTestRepository {
        let repository = try GitTestRepository()
        let dir = repository.location.path
        let second = try repository.commit([], on: repository.root)
        try git(["--git-dir", dir, "update-ref", "refs/heads/Zeta", second])
        try git(["--git-dir", dir, "update-ref", "refs/heads/alpha", repository.root])
        try git(["--git-dir", dir, "update-ref", "refs/heads/a/b", repository.root])
        try git(["--git-dir", dir, "update-ref", "refs/heads/a-b", second])
        try git(["--git-dir", dir, "update-ref", "refs/heads/\u{E9}t\u{E9}", second])
        try git(["--git-dir", dir, "tag", "-a", "v1.0", "-m", "first release", repository.root])
        try git(["--git-dir", dir, "tag", "v0.9", repository.root])
        try git(["--git-dir", dir, "pack-refs", "--all"])
        try git(["--git-dir", dir, "tag", "-a", "v1.0-signed", "-m", "a tag of a tag", "v1.0"])
        try git(["--git-dir", dir, "update-ref", "refs/pr/1", second])
        try git(["--git-dir", dir, "update-ref", "refs/pr/10", repository.root])
        try git(["--git-dir", dir, "update-ref", "refs/convert/parquet", second])
        try git(["--git-dir", dir, "symbolic-ref", "refs/heads/alias", "refs/heads/main"])
        return repository
    }

    /// A repository with a ref to an object it does not have (git 2.39 advertises it; later
    /// versions may not), which is left to git.
    static func repositoryWithARefToAMissingObject() throws -> GitTestRepository {
        let repository = try busyRepository()
        try "0123456789abcdef0123456789abcdef01234567\n".write(
            to: repository.location.appendingPathComponent("refs/heads/broken"), atomically: true, encoding: .utf8)
        return repository
    }

    /// Each shape, and whether its v0 advertisement and its `ls-refs` are made in-process.
    static func repositoryShapes() throws -> [(String, GitTestRepository, advertisedHere: Bool, listedHere: Bool)] {
        let busy = try busyRepository()
        let empty = try GitTestRepository()
        try git(["--git-dir", empty.location.path, "update-ref", "-d", "refs/heads/main"])
        let unbornWithRefs = try GitTestRepository()
        try git(["--git-dir", unbornWithRefs.location.path, "symbolic-ref", "HEAD", "refs/heads/nothing-yet"])
        let detached = try GitTestRepository()
        try git(["--git-dir", detached.location.path, "update-ref", "--no-deref", "HEAD", detached.root])
        return [
            ("busy", busy, true, true), ("empty", empty, false, true), ("unborn HEAD with refs", unbornWithRefs, true, true),
            ("detached HEAD", detached, true, true), ("ref to a missing object", try repositoryWithARefToAMissingObject(), false, false),
        ]
    }

    @Test func theVersion0And1AdvertisementsAreGitsBytesOnceLearned() async throws {
        let shapes = try Self.repositoryShapes()
        let learnedFrom = try GitTestRepository()
        let transport = GitTransport(hooksDirectory: learnedFrom.directory.url.appendingPathComponent("hooks"))
        // The first answer is git's (and teaches the transport its capability list).
        let first = try await Self.collect {
            try await transport.advertiseRefs(.uploadPack, repository: learnedFrom.location, gitProtocol: nil, output: $0)
        }
        #expect(first == Self.preamble + (try Self.gitsAdvertisement(of: learnedFrom.location, protocol: nil)))
        for (shape, repository, advertisedHere, _) in shapes {
            for gitProtocol in [nil, "version=1", "version=0:version=1"] as [String?] {
                let started = transport.processesStarted
                let expected = try Self.gitsAdvertisement(of: repository.location, protocol: gitProtocol)
                let answered = try await Self.collect {
                    try await transport.advertiseRefs(.uploadPack, repository: repository.location, gitProtocol: gitProtocol, output: $0)
                }
                #expect(Self.text(answered) == Self.text(Self.preamble + expected), "\(shape), \(gitProtocol ?? "v0")")
                #expect(transport.processesStarted == started + (advertisedHere ? 0 : 1), "\(shape): made in-process?")
            }
        }
    }

    @Test func theBusyRepositoryHasEveryKindOfRef() throws {
        let repository = try Self.busyRepository()
        let text = String(decoding: try Self.gitsAdvertisement(of: repository.location, protocol: nil), as: UTF8.self)
        #expect(text.contains("refs/tags/v1.0^{}"))
        #expect(text.contains("refs/tags/v1.0-signed^{}"))
        #expect(text.contains("refs/heads/alias"))
        #expect(text.contains("symref=HEAD:refs/heads/main"))
    }

    @Test func lsRefsIsGitsBytesForEveryArgumentMix() async throws {
        let shapes = try Self.repositoryShapes()
        let transport = GitTransport(hooksDirectory: shapes[0].1.directory.url.appendingPathComponent("hooks"))
        // `unborn` is answered here once git's v2 capability list has been seen.
        _ = try await Self.collect {
            try await transport.advertiseRefs(.uploadPack, repository: shapes[0].1.location, gitProtocol: "version=2", output: $0)
        }
        let mixes: [[String]] = [
            [],
            ["peel", "symrefs", "unborn", "ref-prefix HEAD", "ref-prefix refs/heads/", "ref-prefix refs/tags/"],
            ["symrefs", "ref-prefix refs/heads/"],
            ["peel", "ref-prefix refs/tags/v1"],
            ["peel", "symrefs"],
            ["unborn", "symrefs", "ref-prefix HEAD"],
            ["unborn", "ref-prefix HEAD"],
            ["ref-prefix refs/pr/", "ref-prefix refs/convert/", "ref-prefix refs/pr/1"],
            ["ref-prefix refs/heads/*"],
            ["ref-prefix nothing/"],
        ]
        for (shape, repository, _, listedHere) in shapes {
            for arguments in mixes {
                let started = transport.processesStarted
                let expected = try Self.gitsLsRefs(of: repository.location, arguments: arguments)
                let answered = try await Self.collect {
                    try await transport.serve(
                        .uploadPack, repository: repository.location, gitProtocol: "version=2",
                        input: [Self.lsRefsRequest(arguments)].async, output: $0)
                }
                #expect(Self.text(answered) == Self.text(expected), "\(shape), \(arguments)")
                #expect(transport.processesStarted == started + (listedHere ? 0 : 1), "\(shape): answered in-process?")
            }
        }
    }

    @Test func aRequestSplitAcrossChunksIsStillAnsweredInProcess() async throws {
        let repository = try Self.busyRepository()
        let transport = GitTransport(hooksDirectory: repository.directory.url.appendingPathComponent("hooks"))
        let request = Self.lsRefsRequest(["peel", "symrefs", "ref-prefix refs/"])
        let chunks = stride(from: 0, to: request.count, by: 7).map { Array(request[$0..<min($0 + 7, request.count)]) }
        let answered = try await Self.collect {
            try await transport.serve(.uploadPack, repository: repository.location, gitProtocol: "version=2", input: chunks.async, output: $0)
        }
        let expected = try Self.gitsLsRefs(of: repository.location, arguments: ["peel", "symrefs", "ref-prefix refs/"])
        #expect(Self.text(answered) == Self.text(expected))
        #expect(transport.processesStarted == 0)
    }

    /// What this side does not understand goes to git, bytes already read included: git's
    /// answer (here, to a fetch and to an unknown argument) is what the client gets.
    @Test func anythingElseIsGitsToAnswer() async throws {
        let repository = try Self.busyRepository()
        let transport = GitTransport(hooksDirectory: repository.directory.url.appendingPathComponent("hooks"))
        let fetch = PacketLine.data("command=fetch\n") + PacketLine.data("object-format=sha1\n") + Array("0001".utf8)
            + PacketLine.data("want \(repository.root)\n") + PacketLine.data("done\n") + PacketLine.flush
        let answered = try await Self.collect {
            try await transport.serve(.uploadPack, repository: repository.location, gitProtocol: "version=2", input: [fetch].async, output: $0)
        }
        #expect(String(decoding: answered.prefix(16), as: UTF8.self).hasPrefix("000dpackfile"))
        #expect(transport.processesStarted == 1)

        let unknown = Self.lsRefsRequest(["no-such-argument"])
        await #expect(throws: GitProcessFailure.self) {
            _ = try await Self.collect {
                try await transport.serve(.uploadPack, repository: repository.location, gitProtocol: "version=2", input: [unknown].async, output: $0)
            }
        }
        #expect(transport.processesStarted == 2)
    }

    @Test(arguments: [
        ("no flush yet", Array("0014command=ls-refs\n0001".utf8), LsRefsRequest.Parsed.incomplete),
        ("half a length", Array("00".utf8), .incomplete),
        ("not hex", Array("zzzzcommand=ls-refs\n".utf8), .other),
        ("0003", Array("0003".utf8), .other),
        ("another command", PacketLine.data("command=fetch\n") + PacketLine.flush, .other),
        ("two commands", PacketLine.data("command=ls-refs\n") + PacketLine.data("command=ls-refs\n") + PacketLine.flush, .other),
        ("unknown capability", PacketLine.data("command=ls-refs\n") + PacketLine.data("session-id=1\n") + PacketLine.flush, .other),
        ("sha256", PacketLine.data("command=ls-refs\n") + PacketLine.data("object-format=sha256\n") + PacketLine.flush, .other),
        ("no command", PacketLine.data("agent=x\n") + PacketLine.flush, .other),
        ("empty request", PacketLine.flush, .other),
        ("second delimiter", PacketLine.data("command=ls-refs\n") + Array("00010001".utf8), .other),
        ("no arguments", PacketLine.data("command=ls-refs\n") + PacketLine.flush, .lsRefs(LsRefsRequest())),
    ])
    func requestsAreRecognisedOnlyWhenWhole(_ name: String, _ body: [UInt8], _ expected: LsRefsRequest.Parsed) {
        #expect(LsRefsRequest.parse(body) == expected, "\(name)")
    }

    @Test func versionsAreReadAsGitReadsThem() {
        #expect(GitTransport.protocolVersion(nil) == 0)
        #expect(GitTransport.protocolVersion("version=1") == 1)
        #expect(GitTransport.protocolVersion("version=2:version=1") == 2)
        #expect(GitTransport.protocolVersion("version=3") == 0)
        #expect(GitTransport.protocolVersion("version=1:object-format=sha1") == 1)
    }
}
