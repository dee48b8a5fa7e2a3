import NIOCore
import _NIOFileSystem

/// The bytes of several files, one after the other, read in 1 MiB chunks (a multipart upload's
/// parts joined; one file copied elsewhere).
public struct ConcatenatedFiles: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    let paths: [FilePath]

    public init(paths: [FilePath]) {
        self.paths = paths
    }

    public init(path: String) {
        self.paths = [FilePath(path)]
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: [FilePath]
        var handle: ReadFileHandle?
        var offset: Int64 = 0

        public mutating func next() async throws -> ByteBuffer? {
            while true {
                if handle == nil {
                    guard !remaining.isEmpty else { return nil }
                    handle = try await FileSystem.shared.openFile(forReadingAt: remaining.removeFirst())
                    offset = 0
                }
                guard let open = handle else { return nil }
                let chunk = try await open.readChunk(fromAbsoluteOffset: offset, length: .mebibytes(1))
                if chunk.readableBytes > 0 {
                    offset += Int64(chunk.readableBytes)
                    return chunk
                }
                try await open.close()
                handle = nil
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(remaining: paths)
    }
}
