private let hexDigits = Array("0123456789abcdef")

extension Sequence where Element == UInt8 {
    /// The bytes as lowercase hex, two digits each (SHA-256 digests as LFS oids, tag tokens).
    public var hexString: String {
        var text = ""
        for byte in self {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0f)])
        }
        return text
    }
}
