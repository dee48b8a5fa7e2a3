import Foundation
import HubCore
@testable import HubServices
import Testing

/// A mirrored object's readers get its bytes as they arrive, but its last byte only once the
/// object is checked and stored, so a download that completes means the hub keeps the object.
@Suite struct MirrorDownloadTests {
    let download = MirrorDownload(file: URL(fileURLWithPath: "/dev/null"), size: 10)

    @Test func everyByteButTheLastIsReadableAsItArrives() async throws {
        await download.begin()
        await download.advance(by: 4)
        #expect(try await download.available(beyond: 0) == 4)
        await download.advance(by: 6)
        #expect(try await download.available(beyond: 4) == 9)
    }

    @Test func theLastByteWaitsUntilTheObjectIsStored() async throws {
        await download.begin()
        await download.advance(by: 10)
        let reader = Task { try await download.available(beyond: 9) }
        try await Task.sleep(for: .milliseconds(50))
        await download.finish(.success(()))
        #expect(try await reader.value == 10)
    }

    @Test func aFetchThatFailsAfterEveryByteArrivedFailsItsReaders() async throws {
        await download.begin()
        await download.advance(by: 10)
        let reader = Task { try await download.available(beyond: 9) }
        await download.finish(.failure(HubError.upstreamFailed("other bytes")))
        await #expect(throws: HubError.self) { try await reader.value }
    }
}
