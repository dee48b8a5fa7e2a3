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
        let pointer = try await test.hub.lfs.storeWhole(contents, repo: info)
        let session = try await test.hub.commits.begin(info.id, revision: "main", caller: try await test.caller(token))
        try await session.addLFSFile(path: "model.safetensors", oid: pointer.oid.hex, size: pointer.size)
        _ = try await session.finish(summary: "weights", description: "", parentCommit: nil)

        var configuration = test.configuration
        configuration.host = "127.0.0.1"
        configuration.port = 0
        let metrics = HubMetrics()
        let application = buildApplication(
            hub: test.hub, configuration: configuration, logger: Logger(label: "test"), metrics: metrics)
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
        // The bytes the kernel sent count as sent, though they never passed through the body
        // writer: the whole file, 100 and 10 bytes through /resolve/, the whole file through LFS.
        // A request is counted once its last byte is out, a moment after the client has it.
        func sent(_ surface: String) async throws -> Double {
            let line = String(decoding: try await metrics.exposition(of: test.hub), as: UTF8.self)
                .split(separator: "\n").first { $0.hasPrefix("modelhub_http_response_bytes_total{surface=\"\(surface)\"} ") }
            return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        }
        for _ in 0..<200 where try await sent("lfs") < Double(contents.count) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(try await sent("resolve") == Double(contents.count + 110))
        #expect(try await sent("lfs") == Double(contents.count))
    }
}
