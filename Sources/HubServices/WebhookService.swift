import Crypto
import Foundation
import HubCore
import HubIndex
import Logging

/// Webhooks as huggingface_hub manages them (`create_webhook`, `list_webhooks`, `get_webhook`,
/// `update_webhook`, `enable_webhook`, `disable_webhook`, `delete_webhook`) and the public hub
/// delivers them: a JSON payload (`event`, `repo`, `updatedRefs`, `discussion`, `webhook`, …)
/// POSTed to the URL with the secret in `X-Webhook-Secret`. A change is queued in the index
/// right after it lands and sent by the delivery loop of whichever instance claims it, with
/// retries at growing intervals; the change itself never waits for a delivery. URLs go only to
/// hosts the administrator allowed (`webhookAllowedHosts`), and a webhook reports only
/// repositories its owner may read.
public struct WebhookService: Sendable {
    let store: any WebhookStore
    let accounts: any AccountStore
    let orgs: any OrgStore
    let settings: WebhookSettings
    static let logger = Logger(label: "modelhub.webhooks")

    /// Seconds after a failed attempt before the next: 6 attempts over about an hour and a half.
    static let retryDelays: [TimeInterval] = [2, 10, 60, 300, 1200, 3600]
    /// How long a claimed delivery is left to its sender before another instance may try it.
    static let claimLease: TimeInterval = 60
    static let maxWebhooksPerUser = 64

    // MARK: Managing

    public func create(
        caller: Caller, url: String, watched: [WebhookWatchedItem], domains: [WebhookDomain]?, secret: String?
    ) async throws -> Webhook {
        guard try await store.webhooks(ownerID: caller.user.id).count < Self.maxWebhooksPerUser else {
            throw HubError.badRequest("A user has at most \(Self.maxWebhooksPerUser) webhooks")
        }
        var bytes = [UInt8](repeating: 0, count: 12)
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255) }
        let webhook = Webhook(
            id: bytes.hexString, ownerID: caller.user.id, ownerName: caller.user.name.value, url: try checkedURL(url),
            secret: try Self.checkedSecret(secret), watched: try Self.checkedWatched(watched),
            domains: try Self.checkedDomains(domains), disabled: false, createdAt: HubDate.now())
        try await store.create(webhook)
        return webhook
    }

    /// The caller's webhooks.
    public func list(caller: Caller) async throws -> [Webhook] {
        try await store.webhooks(ownerID: caller.user.id)
    }

    /// The webhook `id`, if the caller owns it (or is a site admin); otherwise it does not exist.
    public func webhook(id: String, caller: Caller) async throws -> Webhook {
        guard let webhook = try await store.webhook(id: id), webhook.ownerID == caller.user.id || caller.user.isAdmin else {
            throw HubError.entryNotFound("webhook \(HubName.printable(id))")
        }
        return webhook
    }

    public func update(
        id: String, caller: Caller, url: String?, watched: [WebhookWatchedItem], domains: [WebhookDomain]?, secret: String?
    ) async throws -> Webhook {
        var webhook = try await self.webhook(id: id, caller: caller)
        if let url { webhook.url = try checkedURL(url) }
        webhook.watched = try Self.checkedWatched(watched)
        if let domains { webhook.domains = try Self.checkedDomains(domains) }
        if let secret { webhook.secret = try Self.checkedSecret(secret) }
        try await store.update(webhook)
        return webhook
    }

    public func setDisabled(_ disabled: Bool, id: String, caller: Caller) async throws -> Webhook {
        var webhook = try await self.webhook(id: id, caller: caller)
        webhook.disabled = disabled
        try await store.update(webhook)
        return webhook
    }

    public func delete(id: String, caller: Caller) async throws {
        let webhook = try await self.webhook(id: id, caller: caller)
        _ = try await store.delete(id: webhook.id)
    }

    /// The webhook's delivery log, newest first.
    public func deliveries(id: String, caller: Caller, limit: Int = 100) async throws -> [WebhookDelivery] {
        let webhook = try await self.webhook(id: id, caller: caller)
        return try await store.deliveries(webhookID: webhook.id, limit: limit)
    }

    // MARK: Checks

    /// An http(s) URL whose host the administrator allowed.
    func checkedURL(_ text: String) throws -> String {
        guard text.utf8.count <= 2048, let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
            let host = url.host, !host.isEmpty, url.user == nil
        else {
            throw HubError.badRequest("A webhook's url is an http(s) URL without credentials, not '\(HubName.printable(text))'")
        }
        guard settings.allows(host: host, port: url.port) else {
            throw HubError.badRequest(
                "This hub does not send webhooks to \(HubName.printable(host)): its administrator allows "
                    + (settings.allowedHosts.isEmpty ? "none (webhookAllowedHosts)" : settings.allowedHosts.joined(separator: ", ")))
        }
        return text
    }

    static func checkedSecret(_ secret: String?) throws -> String? {
        guard let secret, !secret.isEmpty else { return nil }
        guard secret.utf8.count <= 256, secret.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw HubError.badRequest("A webhook's secret is at most 256 visible ASCII characters")
        }
        return secret
    }

    static func checkedWatched(_ watched: [WebhookWatchedItem]) throws -> [WebhookWatchedItem] {
        guard !watched.isEmpty, watched.count <= 100 else {
            throw HubError.badRequest("A webhook watches 1 to 100 items")
        }
        for item in watched {
            guard WebhookWatchedItem.types.contains(item.type) else {
                throw HubError.badRequest(
                    "Unknown watched type '\(HubName.printable(item.type))': use \(WebhookWatchedItem.types.joined(separator: ", "))")
            }
            let parts = item.name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            let valid = ["user", "org"].contains(item.type)
                ? HubName.brokenRule(in: item.name) == nil
                : parts.count == 2 && parts.allSatisfy { HubName.brokenRule(in: $0) == nil }
            guard valid else {
                throw HubError.badRequest("Invalid watched \(item.type) name '\(HubName.printable(item.name))'")
            }
        }
        return watched
    }

    static func checkedDomains(_ domains: [WebhookDomain]?) throws -> Set<WebhookDomain> {
        let chosen = Set(domains ?? WebhookDomain.allCases)
        guard !chosen.isEmpty else { throw HubError.badRequest("A webhook needs at least one domain: repo or discussion") }
        return chosen
    }

    // MARK: Queueing

    /// Queues `event` for every enabled webhook that watches its repository, for its domain,
    /// and whose owner may read the repository.
    func record(_ event: HubEvent) async {
        do {
            let now = HubDate.now()
            for webhook in try await store.enabledWebhooks()
            where webhook.domains.contains(event.domain) && webhook.watched.contains(where: { $0.covers(event.repo.id) }) {
                guard try await ownerMayRead(event.repo, webhook: webhook) else { continue }
                try await store.enqueue(webhookID: webhook.id, payload: try payload(event, for: webhook), at: now)
            }
        } catch {
            Self.logger.error("a webhook event of \(event.repo.id.path) was not queued: \(String(reflecting: error))")
        }
    }

    func ownerMayRead(_ repo: RepoInfo, webhook: Webhook) async throws -> Bool {
        guard repo.isPrivate else { return true }
        guard let owner = try await accounts.user(named: webhook.ownerName) else { return false }
        let caller = Caller(
            user: owner, token: AccessToken(id: 0, userID: owner.id, name: "webhook", role: .read, createdAt: owner.createdAt),
            memberships: try await orgs.memberships(userID: owner.id))
        return AccessPolicy.access(to: repo, caller: caller) >= .read
    }

    func payload(_ event: HubEvent, for webhook: Webhook) throws -> String {
        let repo = event.repo
        let base = settings.siteURL
        var object: [String: AnyJSON] = [
            "event": .object(["action": .string(event.action), "scope": .string(event.scope)]),
            "webhook": .object(["id": .string(webhook.id), "version": .number(3)]),
        ]
        var repoObject: [String: AnyJSON] = [
            "type": .string(repo.id.kind.rawValue), "name": .string(repo.id.path), "id": .string(String(repo.rowID)),
            "private": .bool(repo.isPrivate), "owner": .object(["id": .string(repo.id.namespace.value)]),
        ]
        if let head = repo.headCommit { repoObject["headSha"] = .string(head) }
        if let base {
            repoObject["url"] = .object([
                "web": .string(base + "/" + repo.id.webPath), "api": .string(base + "/api/\(repo.id.kind.plural)/\(repo.id.path)"),
            ])
        }
        object["repo"] = .object(repoObject)
        if !event.updatedRefs.isEmpty {
            object["updatedRefs"] = .array(event.updatedRefs.map { update in
                .object([
                    "ref": .string(update.ref), "oldSha": update.oldSha.map(AnyJSON.string) ?? .null,
                    "newSha": update.newSha.map(AnyJSON.string) ?? .null,
                ])
            })
        }
        if let config = event.updatedConfig { object["updatedConfig"] = .object(config) }
        if let moved = event.movedTo {
            object["movedTo"] = .object(["name": .string(moved.path), "owner": .object(["id": .string(moved.namespace.value)])])
        }
        if let discussion = event.discussion {
            let discussionURL = base.map { $0 + "/" + repo.id.webPath + "/discussions/\(discussion.num)" }
            var discussionObject: [String: AnyJSON] = [
                "id": .string(String(discussion.num)), "num": .number(Double(discussion.num)), "title": .string(discussion.title),
                "status": .string(discussion.status.rawValue), "isPullRequest": .bool(discussion.isPullRequest),
                "author": .object(["id": .string(discussion.authorName ?? "")]), "pinned": .bool(false),
            ]
            if let target = discussion.targetBranch {
                var changes: [String: AnyJSON] = ["base": .string("refs/heads/\(target)")]
                if let merged = discussion.mergeCommit { changes["mergeCommitId"] = .string(merged) }
                discussionObject["changes"] = .object(changes)
            }
            if let discussionURL { discussionObject["url"] = .object(["web": .string(discussionURL)]) }
            object["discussion"] = .object(discussionObject)
            if let event = event.comment, let comment = event.comment {
                // `WebhookPayloadComment` in huggingface_hub's `_webhooks_payload.py`.
                var commentObject: [String: AnyJSON] = [
                    "id": .string(event.id), "author": .object(["id": .string(event.authorName ?? "")]),
                    "hidden": .bool(comment.hidden),
                ]
                if !comment.hidden { commentObject["content"] = .string(comment.text) }
                if let discussionURL { commentObject["url"] = .object(["web": .string(discussionURL + "#" + event.id)]) }
                object["comment"] = .object(commentObject)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(AnyJSON.object(object)), as: UTF8.self)
    }

    // MARK: Delivering

    /// Sends the deliveries due now, a few at once; returns how many were attempted. Without a
    /// sender (the admin commands) nothing is sent: the serving hub will.
    public func deliverDue(limit: Int = 32) async throws -> Int {
        guard let sender = settings.sender else { return 0 }
        let due = try await store.claimDue(now: HubDate.now(), lease: Self.claimLease, limit: limit)
        guard !due.isEmpty else { return 0 }
        // Each claimed payload is a different webhook's (the store hands out one per webhook at
        // a time, the oldest): all at once.
        await withTaskGroup(of: Void.self) { group in
            for delivery in due {
                group.addTask { await self.attempt(delivery, sender: sender) }
            }
        }
        return due.count
    }

    func attempt(_ delivery: WebhookDelivery, sender: any WebhookSender) async {
        var status: Int?
        var failure: String?
        do {
            guard let webhook = try await store.webhook(id: delivery.webhookID) else { return }
            if webhook.disabled {
                failure = "the webhook is disabled"
            } else {
                _ = try checkedURL(webhook.url)
                var headers = ["Content-Type": "application/json", "User-Agent": "modelhub-webhooks"]
                if let secret = webhook.secret { headers["X-Webhook-Secret"] = secret }
                status = try await sender.post(Array(delivery.payload.utf8), to: webhook.url, headers: headers)
                if let code = status, !(200..<300).contains(code) { failure = "the URL answered \(code)" }
            }
        } catch let error as HubError {
            failure = error.message
        } catch {
            failure = String(String(describing: error).prefix(300))
        }
        let now = HubDate.now()
        let attempt = delivery.attempts
        let next: Date? = failure == nil || attempt >= Self.retryDelays.count
            ? nil : now.addingTimeInterval(Self.retryDelays[attempt])
        do {
            try await store.recordAttempt(
                deliveryID: delivery.id, status: status, error: failure, nextAttemptAt: next,
                deliveredAt: failure == nil ? now : nil)
        } catch {
            Self.logger.error("webhook delivery \(delivery.id) not recorded: \(String(reflecting: error))")
        }
    }
}

/// What the composition root decides for webhooks: where they may go, how they are sent, and
/// the hub's own address for the payloads' links.
public struct WebhookSettings: Sendable {
    /// Hosts (`ci.example.com`, `127.0.0.1:9000`, `*.example.com`) webhooks may be sent to;
    /// empty: none.
    public let allowedHosts: [String]
    public let sender: (any WebhookSender)?
    /// The hub's public URL, for `repo.url` in payloads; nil leaves the links out.
    public let siteURL: String?

    public init(allowedHosts: [String] = [], sender: (any WebhookSender)? = nil, siteURL: String? = nil) {
        self.allowedHosts = allowedHosts
        self.sender = sender
        self.siteURL = siteURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    }

    func allows(host: String, port: Int?) -> Bool {
        let host = host.lowercased()
        return allowedHosts.contains { entry in
            let entry = entry.lowercased()
            if let port, entry == "\(host):\(port)" { return true }
            if entry == host { return true }
            if entry.hasPrefix("*."), host.hasSuffix(entry.dropFirst()) { return true }
            return false
        }
    }
}
