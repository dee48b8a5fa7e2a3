import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import HubHTTP
import HubServer
import HubTesting
import Logging
import NIOCore
import Testing

/// LFS downloads over a real connection go out as file regions (`sendfile`), with the same
/// bytes, headers and ranges as the streamed path.
@Suite struct ZeroCopyDownloadTests {
    @Test func lfsDownloadsAreSentAsFileRegionsWithTheSameBytes() async throws {
        let test = try TestHub()
        let token = try await test.user("alice")
        let info = try await test.repo("weights", token: token)
        // Three MiB and a bit: more than one socket write, not a multiple of any buffer size.
        let contents = (0..<(3 << 20) + 4321).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        let pointer = try await test.hub.lfs.storeWhole(contents, repoRowID: info.rowID)
        let session = try await test.hub.commits.begin(info.id, revision: "main", caller: try await test.caller(token))
        try await session.addLFSFile(path: "model.safetensors", oid: pointer.oid.hex, size: pointer.size)
        _ = try await session.finish(summary: "weights", description: "", parentCommit: nil)

        var configuration = test.configuration
        configuration.host = "127.0.0.1"
        configuration.port = 0
        let application = buildApplication(hub: test.hub, configuration: configuration, logger: Logger(label: "test"))
        let before = FileRegionWriter.regionsSent.load(ordering: .relaxed)
        try await application.test(.live) { client in
            let uri = "/alice/weights/resolve/main/model.safetensors"
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentLength] == String(contents.count))
                #expect(Array(buffer: response.body) == contents)
            }
            try await client.execute(uri: uri, method: .get, headers: [.range: "bytes=1000000-1000099"]) { response in
                #expect(response.status == .partialContent)
                #expect(response.headers[.contentRange] == "bytes 1000000-1000099/\(contents.count)")
                #expect(Array(buffer: response.body) == Array(contents[1_000_000...1_000_099]))
            }
            try await client.execute(uri: uri, method: .get, headers: [.range: "bytes=-10"]) { response in
                #expect(response.status == .partialContent)
                #expect(Array(buffer: response.body) == Array(contents.suffix(10)))
            }
            try await client.execute(uri: uri, method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentLength] == String(contents.count))
                #expect(response.body.readableBytes == 0)
            }
            var lfsHeaders = HTTPFields()
            lfsHeaders[.authorization] = "Bearer \(token)"
            try await client.execute(
                uri: "/alice/weights.git/info/lfs/objects/\(pointer.oid.hex)", method: .get, headers: lfsHeaders
            ) { response in
                #expect(response.status == .ok)
                #expect(Array(buffer: response.body) == contents)
            }
        }
        // Other suites' downloads may add to the count too; these four bodies are at least four regions.
        #expect(FileRegionWriter.regionsSent.load(ordering: .relaxed) - before >= 4)
    }
}
