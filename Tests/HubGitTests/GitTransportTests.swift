import Foundation
import HubGit
import Synchronization
import Testing

/// `GitTransport` answers protocol v2's `info/refs` from what git printed the first time: the
/// bytes must be git's own, for every repository and every request.
@Suite struct GitTransportTests {
    /// What `git upload-pack --advertise-refs` prints for `repository`, run here directly.
    static func gitsOwnAdvertisement(of repository: URL) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "git", "-c", "uploadpack.allowFilter=true", "upload-pack", "--stateless-rpc", "--advertise-refs", "--",
            repository.path,
        ]
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["GIT_PROTOCOL": "version=2", "GIT_CONFIG_NOSYSTEM": "1"]) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return Array(output)
    }

    func advertisement(_ transport: GitTransport, of repository: URL) async throws -> [UInt8] {
        let printed = Mutex<[UInt8]>([])
        try await transport.advertiseRefs(.uploadPack, repository: repository, gitProtocol: "version=2") { bytes in
            printed.withLock { $0 += bytes }
        }
        return printed.withLock { $0 }
    }

    @Test func theVersion2AdvertisementIsGitsOwnBytesForEveryRepository() async throws {
        let first = try GitTestRepository()
        let second = try GitTestRepository()
        let transport = GitTransport(hooksDirectory: first.directory.url.appendingPathComponent("hooks"))
        let expected = try Self.gitsOwnAdvertisement(of: first.location)
        #expect(String(decoding: expected, as: UTF8.self).hasPrefix("000eversion 2\n"))
        #expect(try await advertisement(transport, of: first.location) == expected)
        #expect(try await advertisement(transport, of: first.location) == expected)
        #expect(try await advertisement(transport, of: second.location) == Self.gitsOwnAdvertisement(of: second.location))
    }
}
