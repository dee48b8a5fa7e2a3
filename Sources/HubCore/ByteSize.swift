import Foundation

/// A number of bytes as people write it: `50GB`, `1.5 TB`, `500MiB`, `1024`. Units of 1000
/// (B, KB, MB, GB, TB, PB) are what the public hub's storage pages and `usedStorage` figures use;
/// units of 1024 (KiB … PiB) are accepted too. Case is ignored.
public enum ByteSize {
    static let units: [String: Int64] = [
        "": 1, "b": 1,
        "kb": 1_000, "mb": 1_000_000, "gb": 1_000_000_000, "tb": 1_000_000_000_000, "pb": 1_000_000_000_000_000,
        "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40, "pib": 1 << 50,
    ]

    /// The bytes `text` names; nil when it is not a size (no number, an unknown unit, a negative
    /// or fractional number of bytes, more than a 64-bit count holds).
    public static func parse(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let number = trimmed.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        let unit = trimmed.dropFirst(number.count).trimmingCharacters(in: .whitespaces)
        guard !number.isEmpty, number.filter({ $0 == "." }).count <= 1, number.first != ".", number.last != ".",
            let multiplier = units[unit], let value = Double(number), value.isFinite
        else { return nil }
        let bytes = value * Double(multiplier)
        // Past 2^63 the conversion below would trap; a fraction of a byte is not a size.
        guard bytes < 9.2e18, bytes == bytes.rounded() else { return nil }
        return Int64(bytes)
    }

    /// `bytes` in units of 1000 with one decimal (`49.8 GB`), or in bytes below 1000.
    public static func describe(_ bytes: Int64) -> String {
        let names = ["bytes", "KB", "MB", "GB", "TB", "PB"]
        var value = Double(bytes)
        var unit = 0
        while abs(value) >= 1000, unit < names.count - 1 {
            value /= 1000
            unit += 1
        }
        guard unit > 0 else { return "\(bytes) bytes" }
        let tenths = Int64((value * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10)) \(names[unit])"
    }
}
