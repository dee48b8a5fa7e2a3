/// git's pkt-line framing (gitprotocol-common(5)): four hex digits of length, then the payload.
public enum PacketLine {
    static let flush: [UInt8] = Array("0000".utf8)
    /// The largest payload one pkt-line carries (65520 bytes in all, minus the length prefix).
    static let maxPayload = 65516

    /// One data line; a longer text is cut at `maxPayload` bytes rather than framed wrongly.
    static func data(_ text: String) -> [UInt8] {
        data(bytes: Array(text.utf8))
    }

    /// One data line of raw bytes, cut at `maxPayload` like `data(_:)`.
    static func data(bytes: [UInt8]) -> [UInt8] {
        let payload = bytes.prefix(maxPayload)
        let length = String(payload.count + 4, radix: 16)
        return Array((String(repeating: "0", count: 4 - length.count) + length).utf8) + payload
    }

    /// An `ERR` line: git stops and shows "remote error: <message>" wherever in the exchange it
    /// reads one (pkt-line.c, PACKET_READ_DIE_ON_ERR_PACKET).
    public static func error(_ message: String) -> [UInt8] {
        data("ERR " + message + "\n")
    }
}
