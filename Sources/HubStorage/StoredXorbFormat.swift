import HubCore
import NIOCore
import XetCore

/// How a verified xorb is stored, by every xorb store: the chunks as the client serialized them
/// (served byte for byte to Xet clients) followed by the server's own index of them: per chunk its
/// hash, size, offset and serialized length, then the chunk count, the end of the chunks and the
/// magic `MHXORB01`.
public enum StoredXorbFormat {
    static let magic = Array("MHXORB01".utf8)
    public static let indexEntrySize = 48
    public static let trailerSize = 16

    /// The index written after the chunks.
    public static func index(of summary: XorbVerifier.Summary) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(summary.chunks.count * indexEntrySize + trailerSize)
        for chunk in summary.chunks {
            buffer.writeBytes(chunk.hash.bytes)
            buffer.writeInteger(chunk.size, endianness: .little)
            buffer.writeInteger(chunk.offset, endianness: .little)
            buffer.writeInteger(chunk.serializedLength, endianness: .little)
            buffer.writeInteger(UInt32(0), endianness: .little)
        }
        buffer.writeInteger(UInt32(summary.chunks.count), endianness: .little)
        buffer.writeInteger(UInt32(summary.chunksEnd), endianness: .little)
        buffer.writeBytes(magic)
        return buffer
    }

    /// Reads the last `trailerSize` bytes of a stored xorb of `size` bytes: where its index
    /// starts and how many entries it has.
    public static func trailer(_ bytes: ByteBuffer, storedSize size: Int64) throws -> (count: Int, chunksEnd: Int64) {
        var trailer = bytes
        guard let count = trailer.readInteger(endianness: .little, as: UInt32.self),
            let chunksEnd = trailer.readInteger(endianness: .little, as: UInt32.self),
            trailer.readBytes(length: magic.count) == magic,
            Int64(chunksEnd) + Int64(count) * Int64(indexEntrySize) + Int64(trailerSize) == size
        else { throw HubError.internalFailure("a stored xorb's index is damaged") }
        return (Int(count), Int64(chunksEnd))
    }

    /// The `count` entries of a stored xorb's index.
    public static func entries(_ bytes: ByteBuffer, count: Int) throws -> [XorbVerifier.Chunk] {
        var index = bytes
        var chunks: [XorbVerifier.Chunk] = []
        chunks.reserveCapacity(count)
        for _ in 0..<count {
            guard let hashBytes = index.readBytes(length: 32), let hash = MerkleHash(bytes: hashBytes),
                let chunkSize = index.readInteger(endianness: .little, as: UInt32.self),
                let offset = index.readInteger(endianness: .little, as: UInt32.self),
                let length = index.readInteger(endianness: .little, as: UInt32.self),
                index.readInteger(endianness: .little, as: UInt32.self) != nil
            else { throw HubError.internalFailure("a stored xorb's index is damaged") }
            chunks.append(XorbVerifier.Chunk(hash: hash, size: chunkSize, offset: offset, serializedLength: length))
        }
        return chunks
    }

    /// The decoded bytes of one chunk from its serialized form (an 8-byte header, then the
    /// compressed or plain data).
    public static func decode(
        _ serialized: ByteBuffer, chunk: XorbVerifier.Chunk, decoder: ChunkDecoder, xorb hash: MerkleHash
    ) throws -> [UInt8] {
        try serialized.withUnsafeReadableBytes { all -> [UInt8] in
            guard all.count == Int(chunk.serializedLength), all.count > 8,
                let scheme = ChunkDecoder.Scheme(rawValue: all[4])
            else { throw HubError.internalFailure("xorb \(hash) is damaged at byte \(chunk.offset)") }
            return try decoder.decode(UnsafeRawBufferPointer(rebasing: all[8...]), scheme: scheme, size: Int(chunk.size))
        }
    }
}
