import Foundation
import HubCore
import Yams

/// What `POST /api/validate-yaml` answers about a card before it is uploaded: errors refuse the
/// upload (huggingface_hub raises "Invalid metadata in README.md"), warnings are shown and the
/// upload goes on ("Warnings while validating metadata in README.md"; `hf_api.py:_validate_yaml`).
public struct CardValidation: Sendable, Equatable {
    public var errors: [String] = []
    public var warnings: [String] = []
    /// The metadata was refused unread because it breaks `CardYAMLLimits`.
    public var pastLimits = false

    /// Checks a card as the public hub does: no metadata block is a warning (with the same link
    /// the hub gives); metadata that is not a YAML mapping, or a known key whose value has the
    /// wrong shape (a number where a license name goes, a mapping where a list of tags goes), is
    /// an error naming the key.
    public init(card: String, kind: RepoKind) {
        guard let yaml = CardMetadata.frontMatter(of: card),
            !yaml.split(separator: "\n").allSatisfy({ $0.allSatisfy(\.isWhitespace) })
        else {
            warnings.append("Empty or missing yaml metadata in repo card (\(Self.metadataDocs(for: kind)))")
            return
        }
        if let violation = CardYAMLLimits.standard.violation(in: yaml) {
            errors.append(violation)
            pastLimits = true
            return
        }
        let value: Any?
        do {
            value = try Yams.load(yaml: yaml)
        } catch {
            errors.append("The metadata of README.md is not valid YAML: \(error)")
            return
        }
        guard let metadata = value as? [String: Any] else {
            errors.append("The metadata of README.md must be a YAML mapping (key: value lines)")
            return
        }
        for (key, shape) in Self.shapes(for: kind).sorted(by: { $0.key < $1.key }) {
            guard let field = metadata[key], !(field is NSNull) else { continue }
            if let problem = shape.problem(with: field, key: key) { errors.append(problem) }
        }
    }

    static func metadataDocs(for kind: RepoKind) -> String {
        switch kind {
        case .model: "https://huggingface.co/docs/hub/model-cards#model-card-metadata"
        case .dataset: "https://huggingface.co/docs/hub/datasets-cards"
        case .space: "https://huggingface.co/docs/hub/spaces-config-reference"
        }
    }

    /// The value a known metadata key must have.
    enum Shape {
        case string
        case stringOrStrings
        case boolean
        case integer
        case listOfMappings
        case oneOf([String])

        func problem(with value: Any, key: String) -> String? {
            switch self {
            case .string:
                value is String ? nil : "\"\(key)\" must be a string"
            case .stringOrStrings:
                value is String || (value as? [Any])?.allSatisfy({ $0 is String }) == true
                    ? nil : "\"\(key)\" must be a string or a list of strings"
            case .boolean:
                value is Bool ? nil : "\"\(key)\" must be a boolean"
            case .integer:
                value is Int ? nil : "\"\(key)\" must be an integer"
            case .listOfMappings:
                (value as? [Any])?.allSatisfy({ $0 is [String: Any] }) == true
                    ? nil : "\"\(key)\" must be a list of mappings"
            case .oneOf(let allowed):
                (value as? String).map(allowed.contains) == true
                    ? nil : "\"\(key)\" must be one of [\(allowed.joined(separator: ", "))]"
            }
        }
    }

    /// The keys whose shape the hub's card specification fixes
    /// (https://huggingface.co/docs/hub/model-cards, datasets-cards, spaces-config-reference).
    static func shapes(for kind: RepoKind) -> [String: Shape] {
        var shapes: [String: Shape] = [
            "license": .stringOrStrings, "license_name": .string, "license_link": .string,
            "language": .stringOrStrings, "tags": .stringOrStrings, "thumbnail": .string,
        ]
        switch kind {
        case .model:
            shapes.merge(
                [
                    "pipeline_tag": .string, "library_name": .string, "datasets": .stringOrStrings,
                    "metrics": .stringOrStrings, "base_model": .stringOrStrings, "model-index": .listOfMappings,
                    "new_version": .string,
                ], uniquingKeysWith: { $1 })
        case .dataset:
            shapes.merge(
                [
                    "task_categories": .stringOrStrings, "task_ids": .stringOrStrings,
                    "size_categories": .stringOrStrings, "pretty_name": .string, "configs": .listOfMappings,
                ], uniquingKeysWith: { $1 })
        case .space:
            shapes.merge(
                [
                    // Versions are left out: `python_version: 3.10` is a YAML number the hub reads as text.
                    "emoji": .string, "sdk": .oneOf(["gradio", "streamlit", "docker", "static"]),
                    "app_file": .string, "app_port": .integer,
                    "pinned": .boolean, "short_description": .string, "models": .stringOrStrings,
                    "datasets": .stringOrStrings,
                ], uniquingKeysWith: { $1 })
        }
        return shapes
    }
}
