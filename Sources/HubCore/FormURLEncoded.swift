/// `application/x-www-form-urlencoded` text (an HTML form's body, `get_paths_info`'s body, a query
/// string) decoded byte by byte, as the WHATWG URL standard's "urlencoded parser" describes, except
/// that a `%` not followed by two hex digits and bytes that do not decode to UTF-8 are errors the
/// caller can answer with a 400 rather than being passed through.
///
/// Foundation's `URLComponents.percentEncodedQuery` setter traps on such input, which in a server
/// stops every connection at once; nothing here can trap, whatever the bytes.
public enum FormURLEncoded {
    /// The fields in the order they were sent (a name may repeat: `paths=a&paths=b`).
    public static func decode(_ bytes: some Sequence<UInt8>) throws(HubError) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        var name: [UInt8] = []
        var value: [UInt8] = []
        var inValue = false
        func endField() throws(HubError) {
            defer {
                name.removeAll(keepingCapacity: true)
                value.removeAll(keepingCapacity: true)
                inValue = false
            }
            guard !name.isEmpty || !value.isEmpty else { return }
            fields.append((try text(name), try text(value)))
        }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "&"):
                try endField()
            case UInt8(ascii: "=") where !inValue:
                inValue = true
            default:
                if inValue { value.append(byte) } else { name.append(byte) }
            }
        }
        try endField()
        return fields
    }

    /// The first value of each name (later repeats are ignored), for forms whose fields are unique.
    public static func firstValues(_ bytes: some Sequence<UInt8>) throws(HubError) -> [String: String] {
        var values: [String: String] = [:]
        for field in try decode(bytes) where values[field.name] == nil {
            values[field.name] = field.value
        }
        return values
    }

    /// One name or value: `+` is a space, `%XX` a byte, and the bytes must be UTF-8.
    static func text(_ encoded: [UInt8]) throws(HubError) -> String {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(encoded.count)
        var index = 0
        while index < encoded.count {
            let byte = encoded[index]
            if byte == UInt8(ascii: "+") {
                decoded.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                guard index + 2 < encoded.count,
                    let high = hexValue(encoded[index + 1]), let low = hexValue(encoded[index + 2])
                else {
                    throw .badRequest("The form is not valid: '%' must be followed by two hex digits")
                }
                decoded.append(high << 4 | low)
                index += 2
            } else {
                decoded.append(byte)
            }
            index += 1
        }
        guard let text = String(validating: decoded, as: UTF8.self) else {
            throw .badRequest("The form is not valid UTF-8")
        }
        return text
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension FormURLEncoded {
    /// `name=value&…` with every byte outside RFC 3986's unreserved set and `/` (which a query may
    /// hold as is, and which keeps `next=/settings` readable) percent-encoded.
    public static func encode(_ fields: [(name: String, value: String)]) -> String {
        fields.map { escape($0.name) + "=" + escape($0.value) }.joined(separator: "&")
    }

    /// Percent-encodes every byte outside RFC 3986's unreserved set, except `/`.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) || byte == UInt8(ascii: "/") {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                appendEscape(byte, to: &result)
            }
        }
        return result
    }

    /// A request path as it came (possibly with raw bytes a careless client did not encode), made
    /// safe to put in a header: valid `%XX` escapes and RFC 3986 path characters are kept, every
    /// other byte is escaped.
    public static func normalizedPath(_ path: String) -> String {
        let bytes = Array(path.utf8)
        var result = ""
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count, hexValue(bytes[index + 1]) != nil,
                hexValue(bytes[index + 2]) != nil
            {
                result.unicodeScalars.append("%")
            } else if isUnreserved(byte) || Self.pathMarks.contains(byte) {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                appendEscape(byte, to: &result)
            }
            index += 1
        }
        return result
    }

    /// RFC 3986 `pchar` beyond the unreserved set (sub-delims, ':' and '@'), and the '/' between segments.
    static let pathMarks: Set<UInt8> = Set("!$&'()*+,;=:@/".utf8)

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default: false
        }
    }

    static func appendEscape(_ byte: UInt8, to result: inout String) {
        let digits = Array("0123456789ABCDEF".unicodeScalars)
        result.unicodeScalars.append("%")
        result.unicodeScalars.append(digits[Int(byte >> 4)])
        result.unicodeScalars.append(digits[Int(byte & 0x0F)])
    }
}
