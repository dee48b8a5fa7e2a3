import NIOCore
import NIOHTTP1
import Synchronization

/// Sends a file region (the kernel's `sendfile`, no copy through user space) in place of one
/// response body chunk.
///
/// Hummingbird's response writer carries `ByteBuffer`s only, and the HTTP/1 codec under it
/// turns them into NIO's `IOData`, which can also be a `FileRegion`. This handler sits under that
/// codec, just above `HTTPResponseEncoder`, where body parts are `IOData`: a handler that wants
/// a file sent registers the region here with a marker buffer, then writes the marker through
/// Hummingbird's writer like any chunk. When the marker arrives (the same storage, so it cannot
/// be mistaken for bytes a client sent or a file holds), the region goes out in its place, in
/// order with the head before it and the end after it. The registration is completed once the
/// kernel has taken the last byte, so the file stays open exactly as long as it is needed.
///
/// It is installed by `FileRegionWriter.Installer` (Hummingbird's `additionalChannelHandlers`
/// go above the codec; this one must be under it). Without it (router tests, a TLS listener)
/// downloads stream chunk by chunk as before.
public final class FileRegionWriter: ChannelOutboundHandler, RemovableChannelHandler {
    public typealias OutboundIn = HTTPServerResponsePart
    public typealias OutboundOut = HTTPServerResponsePart

    private struct Pending {
        let marker: ByteBuffer
        let region: FileRegion
        let sent: EventLoopPromise<Void>
    }

    /// At most one: HTTP/1 answers one request at a time on a connection.
    private var pending: Pending?

    /// File regions the kernel has sent, in this process (tests read it to know the zero-copy
    /// path ran).
    static let regionsSent = Atomic<Int>(0)

    /// Called on the channel's event loop, before `marker` is written.
    func register(_ region: FileRegion, marker: ByteBuffer, sent: EventLoopPromise<Void>) {
        if let earlier = pending {
            earlier.sent.fail(FileRegionAbandoned())
        }
        pending = Pending(marker: marker, region: region, sent: sent)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if let pending, case .body(.byteBuffer(let chunk)) = unwrapOutboundIn(data) {
            self.pending = nil
            guard Self.sameStorage(chunk, pending.marker) else {
                // Not the marker: something else was written first. The region is dropped and
                // its sender fails, so the response is cut short rather than wrong.
                pending.sent.fail(FileRegionAbandoned())
                context.write(data, promise: promise)
                return
            }
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.whenSuccess { Self.regionsSent.add(1, ordering: .relaxed) }
            written.futureResult.cascade(to: pending.sent)
            if let promise { written.futureResult.cascade(to: promise) }
            context.write(wrapOutboundOut(.body(.fileRegion(pending.region))), promise: written)
            return
        }
        context.write(data, promise: promise)
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        pending?.sent.fail(FileRegionAbandoned())
        pending = nil
    }

    /// The same bytes in the same memory: the marker itself, not a copy of its contents.
    private static func sameStorage(_ chunk: ByteBuffer, _ marker: ByteBuffer) -> Bool {
        chunk.readableBytes == marker.readableBytes
            && chunk.withUnsafeReadableBytes { chunkBytes in
                marker.withUnsafeReadableBytes { $0.baseAddress == chunkBytes.baseAddress }
            }
    }
}

/// A registered file region that was never sent (the connection closed, or another chunk came
/// first).
struct FileRegionAbandoned: Error {}
