/// The shard `GET /v1/chunks/{prefix}/{chunk}` answers with (global dedup): no files, the xorbs
/// that hold the chunk asked about, and every chunk hash keyed with a random key written in the
/// footer, so the answer says which xorb ranges the client may reuse without revealing the hashes
/// of chunks it does not have (it could otherwise forge the verification hashes that prove
/// possession). Layout: hub-docs `docs/xet/shard.md` ("Global Deduplication", "Footer").
public enum DedupShard {
    public struct Xorb: Sendable {
        public let hash: MerkleHash
        public let chunks: [XorbVerifier.Chunk]

        public init(hash: MerkleHash, chunks: [XorbVerifier.Chunk]) {
            self.hash = hash
            self.chunks = chunks
        }
    }

    static let footerSize = 200

    /// The serialized shard, with the footer (version 1), `key` and its expiry (Unix seconds).
    public static func serialize(_ xorbs: [Xorb], key: MerkleHash, created: UInt64, expiry: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        func u32(_ value: UInt32) { for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) } }
        func u64(_ value: UInt64) { for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) } }
        func bookend() {
            out += [UInt8](repeating: 0xff, count: 32)
            out += [UInt8](repeating: 0, count: 16)
        }
        out += Shard.tag
        u64(Shard.version)
        u64(UInt64(footerSize))
        let fileInfoOffset = UInt64(out.count)
        bookend()  // no files
        let casInfoOffset = UInt64(out.count)
        for xorb in xorbs {
            out += xorb.hash.bytes
            u32(0)
            u32(UInt32(xorb.chunks.count))
            u32(xorb.chunks.reduce(UInt32(0)) { $0 &+ $1.size })
            u32(xorb.chunks.last.map { $0.offset &+ $0.serializedLength } ?? 0)
            var start: UInt32 = 0
            for chunk in xorb.chunks {
                out += XetHash.keyed(chunk.hash, key: key).bytes
                u32(start)
                u32(chunk.size)
                u64(0)
                start &+= chunk.size
            }
        }
        bookend()
        let footerOffset = UInt64(out.count)
        u64(1)
        u64(fileInfoOffset)
        u64(casInfoOffset)
        // Three empty lookup tables, each an offset (the footer's) and a count of 0.
        for _ in 0..<3 {
            u64(footerOffset)
            u64(0)
        }
        out += key.bytes
        u64(created)
        u64(expiry)
        out += [UInt8](repeating: 0, count: 72)
        u64(footerOffset)
        return out
    }

    /// Whether a chunk is indexed for global dedup: the first chunk of every file, and about one
    /// chunk in 1024 besides (xet-core's rule; hf_xet asks about at most one chunk per 256).
    public static func isEligible(_ chunk: MerkleHash) -> Bool {
        chunk.lastWord % 1024 == 0
    }
}
