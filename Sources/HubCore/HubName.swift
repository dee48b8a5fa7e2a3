/// A user, organization or repository name, validated with the public hub's rules:
/// letters, digits, `-`, `_` and `.`; no `--` or `..`; not starting or ending with `-` or `.`;
/// at most 96 characters. Names are unique regardless of case, so `key` is the lowercased form.
public struct HubName: Sendable, Hashable, CustomStringConvertible {
    public static let maxLength = 96

    public let value: String

    public init(_ value: String) throws(HubError) {
        if let rule = HubName.brokenRule(in: value) {
            throw .invalidName("Invalid name '\(HubName.printable(value))': \(rule)")
        }
        self.value = value
    }

    /// The case-folded form that uniqueness and on-disk paths use.
    public var key: String { value.lowercased() }

    public var description: String { value }

    /// The first rule `value` breaks, in words a user can act on, or nil when it is valid.
    public static func brokenRule(in value: String) -> String? {
        if value.isEmpty { return "a name cannot be empty" }
        if value.utf8.count > maxLength { return "a name has at most \(maxLength) characters" }
        // Bytes, not Unicode properties: every request's names pass through here.
        let allowed = value.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
        if !allowed { return "only letters, digits, '-', '_' and '.' are allowed" }
        let doubled = zip(value.utf8, value.utf8.dropFirst()).contains { pair in
            pair.0 == pair.1 && (pair.0 == UInt8(ascii: "-") || pair.0 == UInt8(ascii: "."))
        }
        if doubled { return "'--' and '..' are not allowed" }
        if let first = value.first, first == "-" || first == "." {
            return "a name cannot start with '-' or '.'"
        }
        if let last = value.last, last == "-" || last == "." {
            return "a name cannot end with '-' or '.'"
        }
        if value.hasSuffix(".git") { return "a name cannot end with '.git'" }
        return nil
    }

    /// The name with control characters removed, safe to echo in an error message.
    public static func printable(_ value: String) -> String {
        String(value.unicodeScalars.filter { !$0.properties.generalCategory.isControl }.prefix(120))
    }
}

extension Unicode.GeneralCategory {
    var isControl: Bool { self == .control || self == .format }
}
