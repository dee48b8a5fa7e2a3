extension PacketLine {
    /// One pkt-line, as read.
    enum Packet: Equatable {
        case data([UInt8])
        /// `0000`
        case flush
        /// `0001`, between a protocol v2 command's capabilities and its arguments.
        case delimiter
        /// `0002`, the end of a protocol v2 response.
        case responseEnd
        /// The bytes end inside a pkt-line (or before one).
        case incomplete
        /// A length that is not four hex digits, or `0003`.
        case malformed
    }

    /// Reads pkt-lines from the start of a byte array (gitprotocol-common(5)).
    struct Reader {
        private let bytes: [UInt8]
        private var position = 0

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
        }

        mutating func next() -> Packet {
            guard bytes.count - position >= 4 else { return .incomplete }
            var length = 0
            for byte in bytes[position..<(position + 4)] {
                guard let digit = Self.hexValue(byte) else { return .malformed }
                length = length * 16 + digit
            }
            switch length {
            case 0: position += 4; return .flush
            case 1: position += 4; return .delimiter
            case 2: position += 4; return .responseEnd
            case 3: return .malformed
            default:
                guard bytes.count - position >= length else { return .incomplete }
                defer { position += length }
                return .data(Array(bytes[(position + 4)..<(position + length)]))
            }
        }

        private static func hexValue(_ byte: UInt8) -> Int? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A")) + 10
            default: nil
            }
        }
    }
}
