import Foundation
import HubCore
import HubGit
import Yams

/// The YAML front matter of a model, dataset or space card (`README.md`), between a first line
/// `---` and the next `---`.
public enum CardMetadata {
    /// The front matter's text, or nil when the card has none.
    public static func frontMatter(of card: String) -> String? {
        let lines = card.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else { return nil }
        guard let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) else {
            return nil
        }
        return lines[1..<end].joined(separator: "\n")
    }

    /// What the index keeps of a card: its front matter as JSON, the tags the public hub derives
    /// from it, the task and library, and the text for search. Invalid metadata counts as none.
    public static func card(from text: String) -> RepoCard {
        let body = text.components(separatedBy: "\n").dropFirst(frontMatterLineCount(of: text)).joined(separator: "\n")
        guard let yaml = frontMatter(of: text), CardYAMLLimits.standard.violation(in: yaml) == nil,
            let value = try? Yams.load(yaml: yaml), let metadata = value as? [String: Any]
        else {
            return RepoCard(text: body)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // A value JSON cannot hold (`.nan`) leaves the card without metadata, as invalid YAML does.
        let dataJSON = (try? encoder.encode(json(metadata))).map { String(decoding: $0, as: UTF8.self) }
        func strings(_ key: String) -> [String] {
            switch metadata[key] {
            case let text as String: [text]
            case let list as [Any]: list.compactMap { $0 as? String ?? ($0 as? CustomStringConvertible)?.description }
            default: []
            }
        }
        var tags: [String] = []
        func add(_ tag: String) {
            let tag = tag.trimmingCharacters(in: .whitespaces)
            if !tag.isEmpty && !tags.contains(tag) { tags.append(tag) }
        }
        let library = strings("library_name").first
        let pipeline = strings("pipeline_tag").first
        library.map(add)
        pipeline.map(add)
        strings("tags").forEach(add)
        for language in strings("language") {
            add(language)
            add("language:\(language)")
        }
        strings("license").forEach { add("license:\($0)") }
        strings("datasets").forEach { add("dataset:\($0)") }
        strings("base_model").forEach { add("base_model:\($0)") }
        return RepoCard(dataJSON: dataJSON, tags: tags, pipelineTag: pipeline, libraryName: library, text: body)
    }

    /// Why a card's metadata is refused outright (past the parser's limits), or nil.
    public static func limitViolation(inCard text: String) -> String? {
        frontMatter(of: text).flatMap { CardYAMLLimits.standard.violation(in: $0) }
    }

    /// The card of README.md at `commit` (an empty card when there is none).
    static func card(in git: GitRepository, commit: String) throws -> RepoCard {
        try git.text(at: "README.md", inCommit: commit).map(card(from:)) ?? RepoCard()
    }

    static func frontMatterLineCount(of card: String) -> Int {
        let lines = card.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---",
            let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" })
        else { return 0 }
        return end + 1
    }

    /// YAML values as JSON holds them: dates become ISO-8601 text, binary base64, null null.
    static func json(_ value: Any) -> AnyJSON {
        switch value {
        case let map as [String: Any]: .object(map.mapValues(json))
        case let list as [Any]: .array(list.map(json))
        case let date as Date: .string(HubDate.format(date))
        case let text as String: .string(text)
        case let flag as Bool: .bool(flag)
        case let number as Int: .number(Double(number))
        case let number as Double: .number(number)
        case let data as Data: .string(data.base64EncodedString())
        case is NSNull: .null
        default: .string(String(describing: value))
        }
    }
}
