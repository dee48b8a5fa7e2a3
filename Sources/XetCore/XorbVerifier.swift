import HubCore

/// Reads a serialized xorb as it arrives (`POST /v1/xorbs/{prefix}/{hash}`), decompresses every
/// chunk and hashes it, so that the xorb is known to be what its hash names before it is stored:
/// xorbs are shared by every repository, and one stored under a hash it does not have would
/// corrupt every file that later dedups against it (hub-docs `docs/xet/xorb.md`, "Xorb format").
///
/// A chunk is an 8-byte header (`u8` version 0, `u24` compressed length, `u8` scheme, `u24`
/// uncompressed length) and its payload. hf_xet sends no footer; one that starts with `XETBLOB`
/// ends the chunks and is ignored (the store keeps only the chunks, up to `chunksEnd`).
public struct XorbVerifier {
    public static let maxChunks = 8192
    public static let maxChunkSize = 128 * 1024
    /// A chunk's payload may be a little larger than its bytes when compression does not pay;
    /// anything past this is no chunk hf_xet would write.
    public static let maxPayloadSize = maxChunkSize + 64 * 1024
    /// At most 64 MiB of chunk data (hub-docs `docs/xet/xorb.md`), serialized with an 8-byte
    /// header per chunk and, for compressed chunks, the LZ4 frame's few bytes of framing: hf_xet
    /// sends full xorbs of random data a few kilobytes over 64 MiB.
    public static let maxUnpackedSize = 64 << 20
    public static let maxSerializedSize = maxUnpackedSize + maxChunks * 64
    static let headerSize = 8
    static let footerIdent = Array("XETBLOB".utf8)

    public struct Chunk: Sendable, Equatable {
        public let hash: MerkleHash
        /// The chunk's bytes once decompressed.
        public let size: UInt32
        /// Where its header starts in the serialized xorb, and its header and payload's length.
        public let offset: UInt32
        public let serializedLength: UInt32

        public init(hash: MerkleHash, size: UInt32, offset: UInt32, serializedLength: UInt32) {
            self.hash = hash
            self.size = size
            self.offset = offset
            self.serializedLength = serializedLength
        }
    }

    public struct Summary: Sendable {
        public let hash: MerkleHash
        public let chunks: [Chunk]
        /// Where the last chunk ends: the bytes to keep.
        public let chunksEnd: Int
        public var unpackedSize: UInt64 { chunks.reduce(0) { $0 + UInt64($1.size) } }
    }

    private let decoder: ChunkDecoder
    private var pending: [UInt8] = []
    private var received = 0
    private var chunks: [Chunk] = []
    private var unpacked = 0
    private var sawFooter = false

    public init() throws {
        decoder = try ChunkDecoder()
    }

    /// Takes the next bytes of the body; every chunk they complete is decoded and hashed now.
    public mutating func consume(_ bytes: UnsafeRawBufferPointer) throws {
        received += bytes.count
        guard received <= Self.maxSerializedSize else {
            throw HubError.payloadTooLarge("A serialized xorb is at most \(Self.maxSerializedSize) bytes")
        }
        if sawFooter { return }
        pending.append(contentsOf: bytes)
        var start = 0
        defer { pending.removeFirst(start) }
        while true {
            let available = pending.count - start
            // A chunk header starts with its version, 0; a footer with `X`.
            if available > 0, pending[start] == Self.footerIdent[0] {
                guard available >= Self.footerIdent.count else { return }
                guard Array(pending[start..<(start + Self.footerIdent.count)]) == Self.footerIdent else {
                    throw HubError.badRequest("A xorb holds bytes that are neither a chunk nor its footer")
                }
                sawFooter = true
                return
            }
            guard available >= Self.headerSize else { return }
            let header = try ChunkHeader(pending[start..<(start + Self.headerSize)])
            let length = Self.headerSize + header.payloadSize
            guard pending.count - start >= length else { return }
            try pending.withUnsafeBytes { all in
                let payload = UnsafeRawBufferPointer(rebasing: all[(start + Self.headerSize)..<(start + length)])
                guard chunks.count < Self.maxChunks else {
                    throw HubError.badRequest("A xorb holds at most \(Self.maxChunks) chunks")
                }
                unpacked += header.size
                guard unpacked <= Self.maxUnpackedSize else {
                    throw HubError.payloadTooLarge("A xorb holds at most \(Self.maxUnpackedSize) bytes of chunk data")
                }
                let bytes = try decoder.decode(payload, scheme: header.scheme, size: header.size)
                let offset = chunks.last.map { Int($0.offset) + Int($0.serializedLength) } ?? 0
                chunks.append(Chunk(
                    hash: XetHash.chunk(bytes), size: UInt32(header.size), offset: UInt32(offset),
                    serializedLength: UInt32(length)))
            }
            start += length
        }
    }

    /// After the last byte: the xorb's chunks and its hash. Bytes that are neither a whole
    /// chunk nor a footer are refused.
    public func finish() throws -> Summary {
        if !sawFooter, !pending.isEmpty {
            throw HubError.badRequest("A xorb ends inside a chunk (\(pending.count) bytes left over)")
        }
        guard !chunks.isEmpty else { throw HubError.badRequest("A xorb holds at least one chunk") }
        let end = Int(chunks[chunks.count - 1].offset) + Int(chunks[chunks.count - 1].serializedLength)
        return Summary(
            hash: XetHash.merkleRoot(chunks.map { ($0.hash, UInt64($0.size)) }), chunks: chunks, chunksEnd: end)
    }

    /// Verifies a whole serialized xorb held in memory.
    public static func verify(_ bytes: UnsafeRawBufferPointer) throws -> Summary {
        var verifier = try XorbVerifier()
        try verifier.consume(bytes)
        return try verifier.finish()
    }

    struct ChunkHeader {
        let payloadSize: Int
        let scheme: ChunkDecoder.Scheme
        let size: Int

        init(_ header: ArraySlice<UInt8>) throws {
            let bytes = Array(header)
            guard bytes[0] == 0 else { throw HubError.badRequest("Unknown xorb chunk version \(bytes[0])") }
            payloadSize = Int(bytes[1]) | Int(bytes[2]) << 8 | Int(bytes[3]) << 16
            guard let scheme = ChunkDecoder.Scheme(rawValue: bytes[4]) else {
                throw HubError.badRequest("Unknown chunk compression scheme \(bytes[4])")
            }
            self.scheme = scheme
            size = Int(bytes[5]) | Int(bytes[6]) << 8 | Int(bytes[7]) << 16
            guard size > 0, size <= XorbVerifier.maxChunkSize else {
                throw HubError.badRequest("A chunk is 1 to \(XorbVerifier.maxChunkSize) bytes, not \(size)")
            }
            guard payloadSize > 0, payloadSize <= XorbVerifier.maxPayloadSize else {
                throw HubError.badRequest("A chunk's payload of \(payloadSize) bytes is out of bounds")
            }
        }
    }
}
