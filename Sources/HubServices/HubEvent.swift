import Foundation
import HubCore
import HubIndex
import Synchronization

/// A change a webhook may be told about, in the public hub's terms (`event.action`,
/// `event.scope`: `repo` created, deleted or moved; `repo.content` new commits or refs;
/// `repo.config` settings; `discussion` a pull request opened).
public struct HubEvent: Sendable {
    public struct RefUpdate: Sendable, Equatable {
        public let ref: String
        /// Nil for a ref that was created.
        public let oldSha: String?
        /// Nil for a ref that was deleted.
        public let newSha: String?

        public init(ref: String, oldSha: String?, newSha: String?) {
            self.ref = ref
            self.oldSha = oldSha
            self.newSha = newSha
        }
    }

    public let action: String
    public let scope: String
    public let repo: RepoInfo
    public var updatedRefs: [RefUpdate] = []
    public var updatedConfig: [String: AnyJSON]? = nil
    public var movedTo: RepoID? = nil
    public var discussion: Discussion? = nil
    /// The comment a `discussion.comment` event is about.
    public var comment: DiscussionEvent? = nil
    /// Who made the change, when a user did.
    public var actor: DiscussionActor? = nil

    public var domain: WebhookDomain { scope.hasPrefix("discussion") ? .discussion : .repo }

    public init(action: String, scope: String, repo: RepoInfo) {
        self.action = action
        self.scope = scope
        self.repo = repo
    }
}

/// Where services report changes (`HubEvent`): pull requests' timelines and the webhooks, once
/// the hub has wired them, in the order they listened. A failure to record one is logged, never
/// the failure of the change it reports.
public final class HubEvents: Sendable {
    private let handlers = Mutex<[@Sendable (HubEvent) async -> Void]>([])

    public init() {}

    func listen(_ handle: @escaping @Sendable (HubEvent) async -> Void) {
        handlers.withLock { $0.append(handle) }
    }

    func emit(_ event: HubEvent) async {
        for handle in handlers.withLock({ $0 }) {
            await handle(event)
        }
    }
}
