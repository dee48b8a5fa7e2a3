import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The pattern rules `.gitattributes` and `.gitignore` share, for the questions the hub asks:
/// does git route this path to LFS, and would git ignore it.
///
/// A pattern without `/` matches the file name at any depth; one with `/` is anchored at the
/// repository root; `**` crosses folders. Later lines override earlier ones.
public struct PathPatterns: Sendable {
    struct Rule: Sendable {
        let pattern: String
        let anchored: Bool
        let directoryOnly: Bool
        /// For attributes: whether the line sets `filter=lfs` (true), unsets or changes it (false).
        /// For ignores: false when the line is a negation (`!pattern`).
        let value: Bool
    }

    let rules: [Rule]

    /// The LFS routing of a `.gitattributes` file: lines that set or unset the `filter` attribute.
    public static func lfsAttributes(_ text: String) -> PathPatterns {
        var rules: [Rule] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let first = fields.first, !first.hasPrefix("#"), fields.count > 1 else { continue }
            let attributes = fields.dropFirst()
            guard let filter = attributes.last(where: { $0 == "-filter" || $0 == "!filter" || $0.hasPrefix("filter=") })
            else { continue }
            rules.append(rule(first, value: filter == "filter=lfs"))
        }
        return PathPatterns(rules: rules)
    }

    /// The rules of a `.gitignore` file.
    public static func ignores(_ text: String) -> PathPatterns {
        var rules: [Rule] = []
        for line in text.split(whereSeparator: \.isNewline) {
            var pattern = line.trimmingCharacters(in: .whitespaces)
            guard !pattern.isEmpty, !pattern.hasPrefix("#") else { continue }
            var value = true
            if pattern.hasPrefix("!") {
                value = false
                pattern.removeFirst()
            }
            rules.append(rule(pattern, value: value))
        }
        return PathPatterns(rules: rules)
    }

    static func rule(_ text: String, value: Bool) -> Rule {
        var pattern = text.replacingOccurrences(of: "[[:space:]]", with: " ")
        let directoryOnly = pattern.hasSuffix("/")
        if directoryOnly { pattern.removeLast() }
        let anchored = pattern.contains("/")
        if pattern.hasPrefix("/") { pattern.removeFirst() }
        return Rule(pattern: pattern, anchored: anchored, directoryOnly: directoryOnly, value: value)
    }

    /// The value of the last rule matching `path` (or one of its parent folders), or nil.
    public func value(for path: String) -> Bool? {
        let parts = path.split(separator: "/").map(String.init)
        var result: Bool?
        for rule in rules {
            // A rule may match the path itself or, like git's ignores, any folder it is in.
            for depth in 1...max(parts.count, 1) {
                let candidate = parts.prefix(depth).joined(separator: "/")
                let isFolder = depth < parts.count
                if rule.directoryOnly && !isFolder { continue }
                if Self.matches(rule, candidate) {
                    result = rule.value
                    break
                }
            }
        }
        return result
    }

    static func matches(_ rule: Rule, _ path: String) -> Bool {
        if rule.anchored {
            let flags = rule.pattern.contains("**") ? 0 : FNM_PATHNAME
            return fnmatch(rule.pattern, path, flags) == 0
        }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return fnmatch(rule.pattern, name, 0) == 0
    }

    /// The `.gitattributes` line that routes exactly `path` to LFS (spaces escaped as git-lfs does).
    public static func lfsLine(for path: String) -> String {
        let escaped = path.replacingOccurrences(of: " ", with: "[[:space:]]")
        return "\(escaped) filter=lfs diff=lfs merge=lfs -text"
    }
}
