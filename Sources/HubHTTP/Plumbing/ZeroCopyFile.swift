import Hummingbird
import NIOCore
import NIOPosix

/// A stored file sent as a response body with `sendfile`, through the connection's
/// `FileRegionWriter`.
enum ZeroCopyFile {
    /// Sends bytes `range` (all when nil) of the file at `path`, which must hold at least
    /// `expectedSize` bytes, as the body `writer` writes. Returns false, having written nothing,
    /// when it cannot (no `FileRegionWriter` on this connection, no such file, a shorter file):
    /// the caller then streams the bytes its usual way.
    static func send(
        path: String, range: ClosedRange<Int64>?, expectedSize: Int64, connection: any Channel,
        writer: inout any ResponseBodyWriter
    ) async throws -> Bool {
        guard connection.isActive, (try? await connection.pipeline.containsHandler(type: FileRegionWriter.self).get()) != nil
        else { return false }
        let fileIO = NonBlockingFileIO(threadPool: .singleton)
        let whole: FileRegion
        do {
            // Opened (and measured) off the event loops, on NIO's blocking-I/O pool.
            whole = try await fileIO.openFile(_deprecatedPath: path, eventLoop: connection.eventLoop).get().1
        } catch {
            return false
        }
        defer { try? whole.fileHandle.close() }
        guard Int64(whole.endIndex) >= expectedSize else { return false }
        let start = Int(range?.lowerBound ?? 0)
        let end = Int(range.map { $0.upperBound + 1 } ?? expectedSize)
        let region = FileRegion(fileHandle: whole.fileHandle, readerIndex: start, endIndex: end)
        let marker = ByteBuffer(bytes: [0])
        let sent = connection.eventLoop.makePromise(of: Void.self)
        do {
            try await connection.eventLoop.submit {
                try connection.pipeline.syncOperations.handler(type: FileRegionWriter.self)
                    .register(region, marker: marker, sent: sent)
            }.get()
        } catch {
            // The connection closed in between.
            sent.fail(FileRegionAbandoned())
            return false
        }
        try await writer.write(marker)
        // The file is closed (by `defer`) only after the kernel has sent its last byte.
        try await sent.futureResult.get()
        // The marker went through the writer (and was counted there); the region did not.
        RequestRecord.current?.addSent(Int64(end - start - marker.readableBytes))
        return true
    }
}
