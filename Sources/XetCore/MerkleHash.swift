/// A 32-byte Xet hash (chunk, xorb, file or verification hash).
///
/// Xet prints a hash as four little-endian 64-bit words, each as 16 hex digits (xet-core's
/// `MerkleHash` `Display`; hub-docs `docs/xet/api.md`, "Converting hashes to strings"), so the
/// string is not the plain hex of the bytes: each 8-byte group reads byte-reversed. That string is
/// what URLs, `X-Xet-Hash`, `xetHash` and JSON carry.
public struct MerkleHash: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The four words, in order; the bytes are each word little-endian.
    public let words: (UInt64, UInt64, UInt64, UInt64)

    public static let zero = MerkleHash(words: (0, 0, 0, 0))

    public init(words: (UInt64, UInt64, UInt64, UInt64)) {
        self.words = words
    }

    /// From the 32 raw bytes (as BLAKE3 outputs them and binary formats store them); nil for
    /// any other length.
    public init?<Bytes: Collection<UInt8>>(bytes: Bytes) {
        guard bytes.count == 32 else { return nil }
        var values: [UInt64] = [0, 0, 0, 0]
        for (index, byte) in bytes.enumerated() {
            values[index / 8] |= UInt64(byte) << (8 * UInt64(index % 8))
        }
        words = (values[0], values[1], values[2], values[3])
    }

    /// From the string form; nil unless it is exactly 64 hex digits.
    public init?<Text: StringProtocol>(xetString text: Text) {
        let digits = Array(text.utf8)
        guard digits.count == 64 else { return nil }
        var values: [UInt64] = []
        for word in 0..<4 {
            var value: UInt64 = 0
            for digit in digits[(word * 16)..<(word * 16 + 16)] {
                guard let nibble = Self.nibble(digit) else { return nil }
                value = value << 4 | UInt64(nibble)
            }
            values.append(value)
        }
        words = (values[0], values[1], values[2], values[3])
    }

    /// The raw 32 bytes.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for word in [words.0, words.1, words.2, words.3] {
            for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return out
    }

    /// The string form: four words of 16 lowercase hex digits.
    public var xetString: String {
        var text = ""
        text.reserveCapacity(64)
        for word in [words.0, words.1, words.2, words.3] {
            let hex = String(word, radix: 16)
            text += String(repeating: "0", count: 16 - hex.count) + hex
        }
        return text
    }

    public var description: String { xetString }

    /// The last word, which the merkle tree's cut rule and global dedup's eligibility test read
    /// (xet-core's `MerkleHash % u64`).
    public var lastWord: UInt64 { words.3 }

    public static func == (lhs: MerkleHash, rhs: MerkleHash) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
            && lhs.words.3 == rhs.words.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    public static func < (lhs: MerkleHash, rhs: MerkleHash) -> Bool {
        (lhs.words.0, lhs.words.1, lhs.words.2, lhs.words.3) < (rhs.words.0, rhs.words.1, rhs.words.2, rhs.words.3)
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
