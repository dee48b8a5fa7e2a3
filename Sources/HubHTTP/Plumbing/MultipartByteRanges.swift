import Foundation
import Hummingbird
import NIOCore

/// A `206` answer to a `Range` header naming several ranges: a `multipart/byteranges` body
/// (RFC 9110 §14.6), one part per range, each with its `Content-Range`; the length is known
/// before the first byte, so it goes out with a `Content-Length`.
struct MultipartByteRanges {
    let ranges: [ClosedRange<Int64>]
    let boundary: String

    init(ranges: [ClosedRange<Int64>]) {
        self.ranges = ranges
        var generator = SystemRandomNumberGenerator()
        boundary = (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }.joined()
    }

    var contentType: String { "multipart/byteranges; boundary=\(boundary)" }

    private func partHeader(_ range: ClosedRange<Int64>) -> String {
        "--\(boundary)\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes \(range.lowerBound)-\(range.upperBound)/*\r\n\r\n"
    }

    private var closing: String { "--\(boundary)--\r\n" }

    var contentLength: Int64 {
        var length = Int64(closing.utf8.count)
        for range in ranges {
            let header = Int64(partHeader(range).utf8.count)
            length += header + Int64(range.count) + 2
        }
        return length
    }

    /// Streams the parts, the bytes of each from `read`.
    func write(
        to writer: inout any ResponseBodyWriter,
        reading read: (ClosedRange<Int64>, (ByteBuffer) async throws -> Void) async throws -> Void
    ) async throws {
        for range in ranges {
            try await writer.write(ByteBuffer(string: partHeader(range)))
            try await read(range) { try await writer.write($0) }
            try await writer.write(ByteBuffer(string: "\r\n"))
        }
        try await writer.write(ByteBuffer(string: closing))
    }
}
