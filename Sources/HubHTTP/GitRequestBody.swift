import CompressNIO
import Hummingbird
import NIOCore

/// A git request body as the bytes git meant: gunzipped when it came with
/// `Content-Encoding: gzip` (git compresses upload-pack requests over ~1 KiB), streamed chunk by chunk.
struct GitRequestBody: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let body: RequestBody
    let gzipped: Bool

    struct AsyncIterator: AsyncIteratorProtocol {
        var source: RequestBody.AsyncIterator
        let inflater: ZlibDecompressor?
        var pending: ByteBuffer?

        mutating func next() async throws -> [UInt8]? {
            guard let inflater else {
                guard let buffer = try await source.next() else { return nil }
                return Array(buffer: buffer)
            }
            while true {
                if var input = pending, input.readableBytes > 0 {
                    var output = ByteBufferAllocator().buffer(capacity: 64 * 1024)
                    do {
                        try inflater.inflate(from: &input, to: &output)
                    } catch let error as CompressNIOError where error == .bufferOverflow || error == .inputBufferOverflow {
                        // The output window filled (more to come from this input) or the input ran out.
                    } catch {
                        throw HTTPError(.badRequest, message: "The gzip request body is corrupt")
                    }
                    pending = input
                    if output.readableBytes > 0 { return Array(buffer: output) }
                    if input.readableBytes > 0 { continue }
                }
                guard let buffer = try await source.next() else { return nil }
                pending = buffer
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(
            source: body.makeAsyncIterator(),
            inflater: gzipped ? try? ZlibDecompressor(algorithm: .gzip) : nil)
    }
}
