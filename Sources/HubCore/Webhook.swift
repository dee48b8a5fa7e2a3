import Foundation

/// A webhook, as the public hub's `/api/settings/webhooks` describes it (huggingface_hub's
/// `WebhookInfo`): a URL that receives a JSON payload for every change in the repositories,
/// users and organizations it watches.
public struct Webhook: Sendable, Equatable {
    /// 24 hexadecimal characters, as the public hub's ids.
    public let id: String
    /// Who made it: only they (and site admins) see and change it, and it reports only what
    /// they may read.
    public let ownerID: Int64
    /// The owner's name (as stored; read with the webhook).
    public let ownerName: String
    public var url: String
    public var secret: String?
    public var watched: [WebhookWatchedItem]
    public var domains: Set<WebhookDomain>
    public var disabled: Bool
    public let createdAt: Date

    public init(
        id: String, ownerID: Int64, ownerName: String, url: String, secret: String?, watched: [WebhookWatchedItem], domains: Set<WebhookDomain>,
        disabled: Bool, createdAt: Date
    ) {
        self.id = id
        self.ownerID = ownerID
        self.ownerName = ownerName
        self.url = url
        self.secret = secret
        self.watched = watched
        self.domains = domains
        self.disabled = disabled
        self.createdAt = createdAt
    }
}

/// What a webhook watches: a repository (`model`, `dataset`, `space` and its `namespace/name`),
/// or every repository of a `user` or an `org`.
public struct WebhookWatchedItem: Sendable, Equatable, Codable {
    public let type: String
    public let name: String

    public static let types = ["user", "org", "model", "dataset", "space"]

    public init(type: String, name: String) {
        self.type = type
        self.name = name
    }

    /// Whether a change of `repo` concerns this item (names compare without case).
    public func covers(_ repo: RepoID) -> Bool {
        switch type {
        case "user", "org": return repo.namespace.key == name.lowercased()
        default: return type == repo.kind.rawValue && repo.path.lowercased() == name.lowercased()
        }
    }
}

/// The kinds of change a webhook is told about: a repository's (created, deleted, moved, new
/// commits or refs, settings) or a discussion's (pull requests opened).
public enum WebhookDomain: String, Sendable, CaseIterable, Codable {
    case repo, discussion
}

/// One payload on its way to a webhook's URL, and how its attempts went.
public struct WebhookDelivery: Sendable, Equatable {
    public let id: Int64
    public let webhookID: String
    public let payload: String
    public let attempts: Int
    /// The HTTP status of the last attempt, if the URL answered.
    public let status: Int?
    /// Why the last attempt failed, if it did.
    public let error: String?
    /// When the next attempt is due; nil once delivered or given up.
    public let nextAttemptAt: Date?
    public let deliveredAt: Date?
    public let createdAt: Date

    public init(
        id: Int64, webhookID: String, payload: String, attempts: Int, status: Int?, error: String?, nextAttemptAt: Date?,
        deliveredAt: Date?, createdAt: Date
    ) {
        self.id = id
        self.webhookID = webhookID
        self.payload = payload
        self.attempts = attempts
        self.status = status
        self.error = error
        self.nextAttemptAt = nextAttemptAt
        self.deliveredAt = deliveredAt
        self.createdAt = createdAt
    }
}
