import Foundation

/// Reads the few fields the hub needs out of S3's XML answers (`<UploadId>`, `<Code>`, the
/// `<Contents>` of a listing …). S3 answers are flat documents of simple elements without
/// attributes that matter, so a scan for `<Name>…</Name>` is exact for them; a document without
/// the element gives nothing, never a trap.
struct S3XML {
    let text: Substring

    init(_ text: Substring) {
        self.text = text
    }

    init(bytes: [UInt8]) {
        self.text = Substring(String(decoding: bytes, as: UTF8.self))
    }

    /// The text of the first `<name>` element, entities decoded.
    func first(_ name: String) -> String? {
        all(name).first.map { Self.unescape($0) }
    }

    /// The raw contents of every `<name>` element, in order (for repeated blocks like `<Contents>`).
    func all(_ name: String) -> [Substring] {
        let open = "<\(name)>"
        let close = "</\(name)>"
        var found: [Substring] = []
        var rest = text[...]
        while let start = rest.range(of: open) {
            guard let end = rest[start.upperBound...].range(of: close) else { break }
            found.append(rest[start.upperBound..<end.lowerBound])
            rest = rest[end.upperBound...]
        }
        return found
    }

    /// The elements named `name` as documents of their own.
    func blocks(_ name: String) -> [S3XML] {
        all(name).map { S3XML($0) }
    }

    static func unescape(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        return String(text)
            .replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&#34;", with: "\"")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
