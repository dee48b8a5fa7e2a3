/// A branch or tag name that came from a request and may be handed to git.
///
/// It follows `git check-ref-format` and refuses everything that could be read as an option
/// (a leading `-`) or as a range or path trick (`..`, `@{`, control characters).
public struct GitRefName: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    public init(_ value: String) throws(HubError) {
        if let rule = GitRefName.brokenRule(in: value) {
            throw .badRequest("Invalid reference name '\(HubName.printable(value))': \(rule)")
        }
        self.value = value
    }

    public var description: String { value }

    public static func brokenRule(in value: String) -> String? {
        if value.isEmpty { return "it cannot be empty" }
        if value.utf8.count > 255 { return "it has at most 255 characters" }
        if value.hasPrefix("-") { return "it cannot start with '-'" }
        if value.hasPrefix("/") || value.hasSuffix("/") || value.contains("//") {
            return "it cannot start or end with '/' or contain '//'"
        }
        if value.contains("..") { return "it cannot contain '..'" }
        if value.contains("@{") || value == "@" { return "it cannot contain '@{' or be '@'" }
        if value.hasSuffix(".") || value.hasSuffix(".lock") { return "it cannot end with '.' or '.lock'" }
        for scalar in value.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7f {
                return "it cannot contain control characters"
            }
            if " ~^:?*[\\".unicodeScalars.contains(scalar) {
                return "it cannot contain spaces or any of ~ ^ : ? * [ \\"
            }
        }
        for component in value.split(separator: "/") where component.hasPrefix(".") {
            return "no part of it can start with '.'"
        }
        return nil
    }
}
