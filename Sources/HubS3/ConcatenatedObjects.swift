import AsyncHTTPClient
import NIOCore

/// The bytes of several objects of a bucket, one after the other; each is opened (a GET) only
/// when the one before it has been read to its end.
struct ConcatenatedObjects: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let client: S3Client
    let keys: [String]

    struct AsyncIterator: AsyncIteratorProtocol {
        let client: S3Client
        var remaining: ArraySlice<String>
        var current: HTTPClientResponse.Body.AsyncIterator?

        mutating func next() async throws -> ByteBuffer? {
            while true {
                if current == nil {
                    guard let key = remaining.popFirst() else { return nil }
                    current = try await client.body(of: key).makeAsyncIterator()
                }
                if let chunk = try await current?.next() { return chunk }
                current = nil
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(client: client, remaining: keys[...])
    }
}
