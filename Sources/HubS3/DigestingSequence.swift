import Crypto
import HubCore
import HubStorage
import NIOCore

/// The bytes of `base`, hashed (SHA-256) and counted as they pass on their way to S3. It ends
/// the stream with `BlobMismatch` (kept in `digest.failure`, since the HTTP client reports
/// its own error) when more than `expected` bytes come, or, if `exact`, when fewer did.
struct DigestingSequence<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer
    let base: Base
    let digest: StreamDigest
    let expected: Int64
    let exact: Bool

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let digest: StreamDigest
        /// The most bytes this stream may still give.
        let limit: Int64
        let exact: Bool
        var passed: Int64 = 0

        mutating func next() async throws -> ByteBuffer? {
            guard let buffer = try await base.next() else {
                if exact, passed < limit {
                    throw digest.fail(BlobMismatch("the body ended after \(passed) bytes, \(limit) were expected"))
                }
                return nil
            }
            guard passed + Int64(buffer.readableBytes) <= limit else {
                throw digest.fail(BlobMismatch("more than the expected \(limit) bytes were sent"))
            }
            passed += Int64(buffer.readableBytes)
            digest.update(buffer)
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), digest: digest, limit: expected, exact: exact)
    }
}

/// A running SHA-256 and byte count, shared by the sequences (one after another, never at once)
/// that carry one object's bytes.
final class StreamDigest: @unchecked Sendable {
    // Mutated only by the one task that drains the current sequence.
    private var hasher = SHA256()
    private(set) var byteCount: Int64 = 0
    private(set) var failure: BlobMismatch?

    func update(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
        byteCount += Int64(buffer.readableBytes)
    }

    func fail(_ mismatch: BlobMismatch) -> BlobMismatch {
        failure = mismatch
        return mismatch
    }

    /// The hex SHA-256 of everything passed so far (the digest can be taken once).
    func finish() -> String {
        hasher.finalize().hexString
    }
}
