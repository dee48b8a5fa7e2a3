/// The hashes Xet names its objects by (hub-docs `docs/xet/hashing.md`; xet-core's
/// `merklehash/src/aggregated_hashes.rs`): all keyed BLAKE3, each with its own key.
public enum XetHash {
    /// Chunk hashes: `BLAKE3-keyed(DATA_KEY, chunk)`.
    public static let dataKey = key([
        102, 151, 245, 119, 91, 149, 80, 222, 49, 53, 203, 172, 165, 151, 24, 28,
        157, 228, 33, 16, 155, 235, 43, 88, 180, 208, 176, 75, 147, 173, 242, 41,
    ])
    /// Merkle tree nodes over (hash, size) lists.
    public static let internalNodeKey = key([
        1, 126, 197, 199, 165, 71, 41, 150, 253, 148, 102, 102, 180, 138, 2, 230,
        93, 221, 83, 111, 55, 199, 109, 210, 248, 99, 82, 230, 74, 83, 113, 63,
    ])
    /// Term verification hashes, over the concatenated raw chunk hashes of a term's range.
    public static let verificationKey = key([
        127, 24, 87, 214, 206, 86, 237, 102, 18, 127, 249, 19, 231, 165, 195, 243,
        164, 205, 38, 213, 181, 219, 73, 230, 65, 36, 152, 127, 40, 251, 148, 195,
    ])

    /// A chunk's hash.
    public static func chunk(_ bytes: UnsafeRawBufferPointer) -> MerkleHash {
        BLAKE3Hasher.hash(bytes, key: dataKey)
    }

    public static func chunk(_ bytes: [UInt8]) -> MerkleHash {
        bytes.withUnsafeBytes { chunk($0) }
    }

    /// The root of Xet's merkle tree over (hash, size) leaves: a xorb's hash over its chunks.
    /// Each level groups the list and hashes each group into one node; a group ends after a node
    /// whose last word is 0 mod 4 (from the third node on), after 9 nodes, or at the end; a list
    /// of two or fewer is one group. The empty list's root is the zero hash.
    public static func merkleRoot(_ leaves: [(hash: MerkleHash, size: UInt64)]) -> MerkleHash {
        guard !leaves.isEmpty else { return .zero }
        var level = leaves
        while level.count > 1 {
            var next: [(hash: MerkleHash, size: UInt64)] = []
            next.reserveCapacity(level.count / 2 + 1)
            var start = 0
            while start < level.count {
                let end = start + cut(level[start...])
                next.append(node(level[start..<end]))
                start = end
            }
            level = next
        }
        return level[0].hash
    }

    /// A file's hash: the merkle root over all its chunks, keyed again with the zero key. An
    /// empty file's hash is the zero hash (xet-core's `file_node_hash`).
    public static func file(_ chunks: [(hash: MerkleHash, size: UInt64)]) -> MerkleHash {
        guard !chunks.isEmpty else { return .zero }
        return keyed(merkleRoot(chunks), key: .zero)
    }

    /// A term's verification hash: the proof that a client holds the chunks a shard references.
    public static func verification<Hashes: Sequence<MerkleHash>>(_ chunkHashes: Hashes) -> MerkleHash {
        var hasher = BLAKE3Hasher(key: verificationKey)
        for hash in chunkHashes { hasher.update(hash.bytes) }
        return hasher.finalize()
    }

    /// `hash` keyed with `key` (xet-core's `MerkleHash::hmac`): file hashes, and the chunk hashes
    /// of global dedup answers, keyed per answer so they reveal nothing.
    public static func keyed(_ hash: MerkleHash, key: MerkleHash) -> MerkleHash {
        hash.bytes.withUnsafeBytes { BLAKE3Hasher.hash($0, key: key) }
    }

    /// How many nodes from the start of `nodes` form the next group.
    static func cut(_ nodes: ArraySlice<(hash: MerkleHash, size: UInt64)>) -> Int {
        guard nodes.count > 2 else { return nodes.count }
        let end = min(9, nodes.count)
        for offset in 2..<end where nodes[nodes.startIndex + offset].hash.lastWord % 4 == 0 {
            return offset + 1
        }
        return end
    }

    /// One internal node: a line `"{hash} : {size}\n"` per child, keyed with the node key.
    static func node(_ children: ArraySlice<(hash: MerkleHash, size: UInt64)>) -> (hash: MerkleHash, size: UInt64) {
        var hasher = BLAKE3Hasher(key: internalNodeKey)
        var total: UInt64 = 0
        for child in children {
            hasher.update(text: "\(child.hash.xetString) : \(child.size)\n")
            total &+= child.size
        }
        return (hasher.finalize(), total)
    }

    private static func key(_ bytes: [UInt8]) -> MerkleHash {
        MerkleHash(bytes: bytes) ?? .zero
    }
}
