import HubCore

/// A shard as hf_xet uploads it (`POST /v1/shards`, `/v2/shards`): the files it registers, each
/// a list of terms (ranges of chunks in xorbs) with a verification hash per term and its
/// SHA-256, and the xorbs the upload created with their chunks (hub-docs `docs/xet/shard.md`).
/// Every count read off the wire is checked against the bytes that are actually there before
/// anything is sized by it.
public struct Shard: Sendable {
    public struct Term: Sendable, Equatable {
        public let xorb: MerkleHash
        public let unpackedBytes: UInt32
        /// Chunk indices in the xorb, end exclusive.
        public let chunkStart: UInt32
        public let chunkEnd: UInt32

        public init(xorb: MerkleHash, unpackedBytes: UInt32, chunkStart: UInt32, chunkEnd: UInt32) {
            self.xorb = xorb
            self.unpackedBytes = unpackedBytes
            self.chunkStart = chunkStart
            self.chunkEnd = chunkEnd
        }
    }

    public struct File: Sendable {
        public let hash: MerkleHash
        public let terms: [Term]
        /// One per term, when the client sent them (hf_xet always does).
        public let verification: [MerkleHash]?
        /// The file's SHA-256 as the client claims it, in Xet's word order (compare its
        /// `xetString` with the hex SHA-256). Never trusted: the server recomputes it.
        public let claimedSHA256: MerkleHash?
    }

    public struct XorbChunk: Sendable, Equatable {
        public let hash: MerkleHash
        /// Where the chunk starts in the xorb's unpacked bytes.
        public let unpackedStart: UInt32
        public let size: UInt32

        public init(hash: MerkleHash, unpackedStart: UInt32, size: UInt32) {
            self.hash = hash
            self.unpackedStart = unpackedStart
            self.size = size
        }
    }

    public struct Xorb: Sendable {
        public let hash: MerkleHash
        public let chunks: [XorbChunk]
        public let unpackedSize: UInt32
    }

    public let files: [File]
    public let xorbs: [Xorb]

    public static let maxSize = 64 << 20
    /// "HFRepoMetaData", a zero byte, then 17 bytes of magic: the first 32 bytes of every shard.
    public static let tag: [UInt8] = Array("HFRepoMetaData".utf8) + [0]
        + [0x55, 0x69, 0x67, 0x45, 0x6a, 0x7b, 0x81, 0x57, 0x83, 0xa5, 0xbd, 0xd9, 0x5c, 0xcd, 0xd1, 0x4a, 0xa9]
    public static let version: UInt64 = 2
    static let entrySize = 48
    static let withVerification: UInt32 = 1 << 31
    static let withMetadata: UInt32 = 1 << 30
    /// The record that ends each section: a hash of all 0xFF bytes.
    static let bookend = MerkleHash(words: (.max, .max, .max, .max))

    public init(parsing bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count <= Self.maxSize else { throw HubError.payloadTooLarge("A shard is at most \(Self.maxSize) bytes") }
        var reader = ByteReader(bytes, what: "shard")
        try reader.require(Self.tag.count)
        guard reader.peek(Self.tag.count).map(Array.init) == Self.tag else {
            throw HubError.badRequest("Not a shard: its header tag is wrong")
        }
        try reader.skip(Self.tag.count)
        let version = try reader.readUInt64()
        guard version == Self.version else { throw HubError.badRequest("Unknown shard version \(version)") }
        _ = try reader.readUInt64()  // footer size: uploads carry none, and one is ignored

        var files: [File] = []
        while true {
            let hash = try reader.readHash()
            let flags = try reader.readUInt32()
            let count = Int(try reader.readUInt32())
            try reader.skip(8)
            if hash == Self.bookend { break }
            let records = 1 + (flags & Self.withVerification != 0 ? 1 : 0)
            try reader.require(count * Self.entrySize * records + (flags & Self.withMetadata != 0 ? Self.entrySize : 0))
            var terms: [Term] = []
            terms.reserveCapacity(count)
            for _ in 0..<count {
                let xorb = try reader.readHash()
                _ = try reader.readUInt32()  // CAS flags, unused
                let unpacked = try reader.readUInt32()
                let start = try reader.readUInt32()
                let end = try reader.readUInt32()
                guard start < end else { throw HubError.badRequest("A file term names an empty or reversed chunk range") }
                terms.append(Term(xorb: xorb, unpackedBytes: unpacked, chunkStart: start, chunkEnd: end))
            }
            var verification: [MerkleHash]?
            if flags & Self.withVerification != 0 {
                var hashes: [MerkleHash] = []
                hashes.reserveCapacity(count)
                for _ in 0..<count {
                    hashes.append(try reader.readHash())
                    try reader.skip(16)
                }
                verification = hashes
            }
            var sha256: MerkleHash?
            if flags & Self.withMetadata != 0 {
                sha256 = try reader.readHash()
                try reader.skip(16)
            }
            files.append(File(hash: hash, terms: terms, verification: verification, claimedSHA256: sha256))
        }

        var xorbs: [Xorb] = []
        while reader.remaining > 0 {
            let hash = try reader.readHash()
            _ = try reader.readUInt32()  // flags, unused
            let count = Int(try reader.readUInt32())
            let unpackedSize = try reader.readUInt32()
            _ = try reader.readUInt32()  // bytes on disk: hf_xet sends 0, the server counts them
            if hash == Self.bookend { break }
            try reader.require(count * Self.entrySize)
            var chunks: [XorbChunk] = []
            chunks.reserveCapacity(count)
            for _ in 0..<count {
                let chunk = try reader.readHash()
                let start = try reader.readUInt32()
                let size = try reader.readUInt32()
                try reader.skip(8)  // flags and reserved
                chunks.append(XorbChunk(hash: chunk, unpackedStart: start, size: size))
            }
            xorbs.append(Xorb(hash: hash, chunks: chunks, unpackedSize: unpackedSize))
        }
        self.files = files
        self.xorbs = xorbs
    }

    public init(parsing bytes: [UInt8]) throws {
        self = try bytes.withUnsafeBytes { try Shard(parsing: $0) }
    }
}
