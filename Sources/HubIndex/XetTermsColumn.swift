import HubCore
import XetCore

/// How every index stores a Xet file's terms: 44 bytes per term, the xorb's hash (32), then the
/// term's unpacked bytes, first chunk and end chunk (exclusive), each a little-endian u32.
public enum XetTermsColumn {
    public static let termSize = 44

    public static func encode(_ terms: [Shard.Term]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(terms.count * termSize)
        func append(_ value: UInt32) {
            for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
        }
        for term in terms {
            bytes += term.xorb.bytes
            append(term.unpackedBytes)
            append(term.chunkStart)
            append(term.chunkEnd)
        }
        return bytes
    }

    public static func decode(_ bytes: [UInt8]) throws -> [Shard.Term] {
        guard bytes.count % termSize == 0 else { throw HubError.internalFailure("a stored Xet file's terms are damaged") }
        func value(_ offset: Int) -> UInt32 {
            (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
        }
        return try stride(from: 0, to: bytes.count, by: termSize).map { start in
            guard let xorb = MerkleHash(bytes: bytes[start..<(start + 32)]) else {
                throw HubError.internalFailure("a stored Xet file's terms are damaged")
            }
            return Shard.Term(
                xorb: xorb, unpackedBytes: value(start + 32), chunkStart: value(start + 36), chunkEnd: value(start + 40))
        }
    }
}
