import CompressNIO
import Hummingbird
import HubCore
import NIOCore

/// A git request body as the bytes git meant: gunzipped when it came with
/// `Content-Encoding: gzip` (git compresses upload-pack requests over ~1 KiB), streamed chunk by chunk.
///
/// `maxSize` bounds what comes out, after inflating: a few megabytes of gzip can hold gigabytes of
/// "want" lines, and git would spend minutes of CPU on them. Past the bound the sequence throws,
/// which stops the git process reading it; the inflater never runs ahead of that check by more
/// than one 64 KiB window.
struct GitRequestBody: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let body: RequestBody
    let gzipped: Bool
    var maxSize: Int = .max

    struct AsyncIterator: AsyncIteratorProtocol {
        var source: RequestBody.AsyncIterator
        let inflater: ZlibDecompressor?
        var pending: ByteBuffer?
        let maxSize: Int
        var delivered = 0

        mutating func next() async throws -> [UInt8]? {
            guard let chunk = try await nextChunk() else { return nil }
            delivered += chunk.count
            guard delivered <= maxSize else {
                throw HubError.payloadTooLarge("The git request body is larger than \(maxSize) bytes")
            }
            return chunk
        }

        private mutating func nextChunk() async throws -> [UInt8]? {
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
            inflater: gzipped ? try? ZlibDecompressor(algorithm: .gzip) : nil, maxSize: maxSize)
    }
}
