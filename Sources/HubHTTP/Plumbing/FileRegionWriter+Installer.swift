import NIOCore
import NIOHTTP1

extension FileRegionWriter {
    /// Puts a `FileRegionWriter` just above the connection's `HTTPResponseEncoder` when the
    /// pipeline is set up, then takes itself out. Given to Hummingbird as an additional channel
    /// handler, the one hook its HTTP/1 server offers into the pipeline.
    public final class Installer: ChannelInboundHandler, RemovableChannelHandler {
        public typealias InboundIn = NIOAny

        public init() {}

        public func handlerAdded(context: ChannelHandlerContext) {
            let pipeline = context.pipeline.syncOperations
            if let encoder = try? pipeline.handler(type: HTTPResponseEncoder.self) {
                try? pipeline.addHandler(FileRegionWriter(), position: .after(encoder))
            }
            pipeline.removeHandler(context: context, promise: nil)
        }
    }
}
