/// The three kinds of repository the hub hosts, with the spellings each surface uses.
public enum RepoKind: String, Sendable, CaseIterable, Codable {
    case model
    case dataset
    case space

    /// The plural used in API paths: `/api/models/…`.
    public var plural: String { rawValue + "s" }

    /// The prefix of web and git URLs: empty for models, `datasets/` for datasets, `spaces/` for spaces.
    public var urlPrefix: String {
        switch self {
        case .model: ""
        case .dataset: "datasets/"
        case .space: "spaces/"
        }
    }

    /// Parses the `type` field huggingface_hub sends (absent means model).
    public init(apiType: String?) throws(HubError) {
        guard let apiType else {
            self = .model
            return
        }
        guard let kind = RepoKind(rawValue: apiType) else {
            throw .badRequest("Invalid repo type '\(apiType)': expected model, dataset or space")
        }
        self = kind
    }

    /// Parses the plural segment of an API path (`models`, `datasets`, `spaces`).
    public init?(plural: String) {
        guard let kind = RepoKind.allCases.first(where: { $0.plural == plural }) else { return nil }
        self = kind
    }
}
