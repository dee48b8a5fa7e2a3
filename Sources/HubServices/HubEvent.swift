import Foundation
import HubCore
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

    public var domain: WebhookDomain { scope.hasPrefix("discussion") ? .discussion : .repo }

    public init(action: String, scope: String, repo: RepoInfo) {
        self.action = action
        self.scope = scope
        self.repo = repo
    }
}

/// Where services report changes (`HubEvent`): the webhooks, once the hub has wired them. A
/// failure to record one is logged, never the failure of the change it reports.
public final class HubEvents: Sendable {
    private let handler = Mutex<(@Sendable (HubEvent) async -> Void)?>(nil)

    public init() {}

    func listen(_ handle: @escaping @Sendable (HubEvent) async -> Void) {
        handler.withLock { $0 = handle }
    }

    func emit(_ event: HubEvent) async {
        guard let handle = handler.withLock({ $0 }) else { return }
        await handle(event)
    }
}
