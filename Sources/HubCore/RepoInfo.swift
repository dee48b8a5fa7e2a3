import Foundation

/// What the index knows about one repository.
public struct RepoInfo: Sendable, Equatable {
    public let rowID: Int64
    public let id: RepoID
    public let isPrivate: Bool
    public let sdk: String?
    /// The user who created it (nil for repositories older than that record, or whose creator
    /// was deleted): an org `contributor` writes only to the repositories they created.
    public let creatorID: Int64?
    public let headCommit: String?
    public let createdAt: Date
    public let lastModified: Date
    /// From the card (README.md front matter) at the head of the default branch.
    public let card: RepoCard
    public let counters: RepoCounters
    /// Set when this is a read-only mirror of a repository of the upstream hub.
    public let mirror: RepoMirror?
    /// Set when its files need an accepted access request.
    public let gated: GatedMode?

    public init(
        rowID: Int64, id: RepoID, isPrivate: Bool, sdk: String?, creatorID: Int64? = nil, headCommit: String?,
        createdAt: Date, lastModified: Date, card: RepoCard = RepoCard(), counters: RepoCounters = RepoCounters(),
        mirror: RepoMirror? = nil, gated: GatedMode? = nil
    ) {
        self.rowID = rowID
        self.id = id
        self.isPrivate = isPrivate
        self.sdk = sdk
        self.creatorID = creatorID
        self.headCommit = headCommit
        self.createdAt = createdAt
        self.lastModified = lastModified
        self.card = card
        self.counters = counters
        self.mirror = mirror
        self.gated = gated
    }
}

/// What the index keeps of a mirrored repository.
public struct RepoMirror: Sendable, Equatable {
    /// When its branches and tags were last fetched from upstream.
    public let fetchedAt: Date
    /// Kept even when upstream deletes the repository.
    public let pinned: Bool

    public init(fetchedAt: Date, pinned: Bool) {
        self.fetchedAt = fetchedAt
        self.pinned = pinned
    }
}

/// What the index keeps of a repository's card.
public struct RepoCard: Sendable, Equatable {
    /// The front matter as JSON text, or nil when the card has none.
    public let dataJSON: String?
    public let tags: [String]
    public let pipelineTag: String?
    public let libraryName: String?
    /// The card's text (without front matter), for full-text search.
    public let text: String

    public init(dataJSON: String? = nil, tags: [String] = [], pipelineTag: String? = nil, libraryName: String? = nil, text: String = "") {
        self.dataJSON = dataJSON
        self.tags = tags
        self.pipelineTag = pipelineTag
        self.libraryName = libraryName
        self.text = text
    }
}

/// Popularity counters of a repository.
public struct RepoCounters: Sendable, Equatable {
    /// Downloads in the last 30 days (what the public hub calls `downloads`).
    public let downloads: Int64
    public let downloadsAllTime: Int64
    public let likes: Int64
    /// Downloads in the last 7 days plus 10 per like given in the last 7 days.
    public let trendingScore: Int64
    /// The bytes of the LFS objects bound to the repository (every version it ever held), when
    /// the query asked for them.
    public let lfsBytes: Int64

    public init(
        downloads: Int64 = 0, downloadsAllTime: Int64 = 0, likes: Int64 = 0, trendingScore: Int64 = 0, lfsBytes: Int64 = 0
    ) {
        self.downloads = downloads
        self.downloadsAllTime = downloadsAllTime
        self.likes = likes
        self.trendingScore = trendingScore
        self.lfsBytes = lfsBytes
    }
}

/// How a gated repository's access requests are decided (the public hub's `gated` setting).
public enum GatedMode: String, Sendable, Equatable, CaseIterable {
    /// Accepted as soon as they are made: the gate asks users to identify themselves.
    case auto
    /// Accepted or rejected by the repository's admins.
    case manual
}
