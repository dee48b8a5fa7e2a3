/// A listing or search of repositories (`list_models` and friends).
public struct RepoQuery: Sendable {
    public enum Order: Sendable {
        case lastModified, createdAt, relevance, downloads, likes, trendingScore
    }

    public var kind: RepoKind
    /// Words to find in ids and card text (every word, as a prefix).
    public var text: String?
    public var author: String?
    /// Every one of these tags must be present.
    public var tags: [String] = []
    public var pipelineTag: String?
    /// Which private repositories may be listed (the caller's, from `AccessPolicy`).
    public var privateVisibility = PrivateVisibility.none
    public var order: Order = .lastModified
    public var ascending = false
    public var offset = 0
    public var limit = 100

    public init(kind: RepoKind) {
        self.kind = kind
    }
}
