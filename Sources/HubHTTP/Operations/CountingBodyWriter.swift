import Hummingbird
import NIOCore

/// A response body writer that counts what passes through it into the request's record.
struct CountingBodyWriter: ResponseBodyWriter {
    var base: any ResponseBodyWriter
    let record: RequestRecord

    mutating func write(_ buffer: ByteBuffer) async throws {
        record.addSent(Int64(buffer.readableBytes))
        try await base.write(buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        try await base.finish(trailingHeaders)
    }
}
