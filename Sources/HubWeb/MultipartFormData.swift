import HubCore
import HubHTTP

/// A `multipart/form-data` body (RFC 7578, framed as RFC 2046 §5.1.1 says), parsed whole from
/// memory. Every malformed input is a 400, never a trap: MultipartKit 4.7.1, the library this
/// replaces, indexes a 128-entry table with any header-name byte, so one byte ≥ 0x80 in a part's
/// header stopped the server (found by the `multipart` fuzz target).
struct MultipartFormData {
    struct Part {
        /// The `name` parameter of the part's `Content-Disposition`.
        var name: String?
        /// The `filename` parameter, present for file inputs (empty when no file was chosen).
        var filename: String?
        var bytes: ArraySlice<UInt8>
    }

    var parts: [Part] = []

    /// RFC 2046's `bchars`.
    static let boundaryCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'()+_,-./:=? ".utf8)
    /// RFC 9110's token characters besides letters and digits (header names are tokens).
    static let tokenPunctuation = Set("!#$%&'*+-.^_`|~".utf8)

    /// RFC 2046: a boundary is 1 to 70 characters from a small set.
    static func isValidBoundary(_ boundary: String) -> Bool {
        let bytes = Array(boundary.utf8)
        return (1...70).contains(bytes.count) && bytes.allSatisfy(boundaryCharacters.contains) && bytes.last != 0x20
    }

    init(parsing body: [UInt8], boundary: String) throws(HubError) {
        guard Self.isValidBoundary(boundary) else { throw .badRequest("The multipart boundary is not valid") }
        let delimiter = Array("--\(boundary)".utf8)
        // The first delimiter opens the body or follows a preamble's line break.
        var position: Int
        if body.starts(with: delimiter) {
            position = delimiter.count
        } else if let found = Self.find(Array("\r\n".utf8) + delimiter, in: body, from: 0) {
            position = found + 2 + delimiter.count
        } else {
            throw .badRequest("The multipart body has no part")
        }
        let nextDelimiter = Array("\r\n".utf8) + delimiter
        while true {
            // "--" after a delimiter closes the body; anything after it is an epilogue.
            if body[position...].starts(with: [0x2D, 0x2D]) { return }
            // Transport padding, then the line break that ends the delimiter line.
            while position < body.count, body[position] == 0x20 || body[position] == 0x09 { position += 1 }
            guard body[position...].starts(with: [0x0D, 0x0A]) else {
                throw .badRequest("A multipart delimiter line is malformed")
            }
            position += 2
            var part = Part(bytes: [])
            position = try Self.readHeaders(of: &part, in: body, from: position)
            guard let end = Self.find(nextDelimiter, in: body, from: position) else {
                throw .badRequest("The multipart body ends before its closing delimiter")
            }
            part.bytes = body[position..<end]
            parts.append(part)
            position = end + nextDelimiter.count
        }
    }

    /// Reads header lines up to the empty line; returns where the part's content starts.
    private static func readHeaders(of part: inout Part, in body: [UInt8], from start: Int) throws(HubError) -> Int {
        var position = start
        for _ in 0..<64 {
            guard let lineEnd = find([0x0D, 0x0A], in: body, from: position) else {
                throw .badRequest("A multipart part's headers do not end")
            }
            let line = body[position..<lineEnd]
            position = lineEnd + 2
            if line.isEmpty { return position }
            guard let colon = line.firstIndex(of: 0x3A), colon > line.startIndex,
                line[..<colon].allSatisfy(isTokenCharacter)
            else {
                throw .badRequest("A multipart part has a malformed header")
            }
            let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
            if name == "content-disposition" {
                let value = String(decoding: line[(colon + 1)...], as: UTF8.self)
                for (key, text) in dispositionParameters(value) {
                    switch key {
                    case "name": part.name = text
                    case "filename": part.filename = text
                    default: break
                    }
                }
            }
        }
        throw .badRequest("A multipart part has too many headers")
    }

    /// `form-data; name="a"; filename="b.txt"` → [("name", "a"), ("filename", "b.txt")]. Values
    /// are quoted strings (browsers percent-encode a quote inside one) or bare tokens.
    static func dispositionParameters(_ value: String) -> [(String, String)] {
        var result: [(String, String)] = []
        var rest = Substring(value)
        // The disposition type comes first.
        guard let firstSemicolon = rest.firstIndex(of: ";") else { return [] }
        rest = rest[rest.index(after: firstSemicolon)...]
        while !rest.isEmpty {
            rest = rest.drop(while: { $0 == " " || $0 == "\t" })
            guard let equals = rest.firstIndex(of: "=") else { break }
            let key = rest[..<equals].trimmingSpaces().lowercased()
            rest = rest[rest.index(after: equals)...].drop(while: { $0 == " " || $0 == "\t" })
            var text = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if escaped {
                        text.append(character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        break
                    } else {
                        text.append(character)
                    }
                }
                rest = rest.drop(while: { $0 != ";" })
            } else {
                let end = rest.firstIndex(of: ";") ?? rest.endIndex
                text = String(rest[..<end]).trimmingSpaces()
                rest = rest[end...]
            }
            result.append((key, text))
            if rest.first == ";" { rest = rest.dropFirst() }
        }
        return result
    }

    /// RFC 9110 token characters, which header names are made of.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            tokenPunctuation.contains(byte)
        }
    }

    /// Where `needle` first occurs in `haystack` at or after `start`. Candidates are found by the
    /// needle's first byte, so a boundary (at most 74 bytes) is found in linear time.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, start <= haystack.count, needle.count <= haystack.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            guard let candidate = haystack[index...last].firstIndex(of: first) else { return nil }
            if haystack[candidate..<(candidate + needle.count)].elementsEqual(needle) { return candidate }
            index = candidate + 1
        }
        return nil
    }
}

extension StringProtocol {
    fileprivate func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
