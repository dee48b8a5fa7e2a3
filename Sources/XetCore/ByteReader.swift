import HubCore

/// Reads little-endian fields from a buffer a client sent, failing (never trapping) when the
/// buffer ends early: every read is bounds-checked against what is left.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int
    /// What a failure is called in its error message ("shard", "xorb").
    let what: String

    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0, what: String) {
        self.bytes = bytes
        self.offset = offset
        self.what = what
    }

    var remaining: Int { bytes.count - offset }

    mutating func require(_ count: Int) throws {
        guard count >= 0, count <= remaining else {
            throw HubError.badRequest("The \(what) ends early: \(count) more bytes expected at offset \(offset)")
        }
    }

    mutating func readUInt32() throws -> UInt32 {
        try require(4)
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(bytes[offset + index]) << (8 * UInt32(index)) }
        offset += 4
        return value
    }

    mutating func readUInt64() throws -> UInt64 {
        try require(8)
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
        offset += 8
        return value
    }

    mutating func readHash() throws -> MerkleHash {
        try require(32)
        let words = (
            try readUInt64(), try readUInt64(), try readUInt64(), try readUInt64()
        )
        return MerkleHash(words: words)
    }

    mutating func skip(_ count: Int) throws {
        try require(count)
        offset += count
    }

    /// The next `count` bytes, without reading past them.
    func peek(_ count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, count <= remaining else { return nil }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }
}
