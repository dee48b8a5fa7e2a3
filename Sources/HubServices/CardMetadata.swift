import Foundation
import HubCore
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

    /// The problems in a card's metadata, in words a user can act on; empty when it is valid
    /// (or has none). The metadata must be a YAML mapping.
    public static func problems(in card: String) -> [String] {
        guard let yaml = frontMatter(of: card) else { return [] }
        do {
            let value = try Yams.load(yaml: yaml)
            if value == nil || value is [String: Any] { return [] }
            return ["The metadata of README.md must be a YAML mapping (key: value lines)"]
        } catch {
            return ["The metadata of README.md is not valid YAML: \(error)"]
        }
    }
}
