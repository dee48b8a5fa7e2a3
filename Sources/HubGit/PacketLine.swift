/// git's pkt-line framing: four hex digits of length (the four included), then the payload.
enum PacketLine {
    static let flush: [UInt8] = Array("0000".utf8)

    static func data(_ text: String) -> [UInt8] {
        let payload = Array(text.utf8)
        let length = String(payload.count + 4, radix: 16)
        return Array((String(repeating: "0", count: 4 - length.count) + length).utf8) + payload
    }
}
