import HubCore

/// A discussion after a change, with the events the change added or rewrote.
public struct DiscussionUpdate: Sendable {
    public let discussion: Discussion
    public let events: [DiscussionEvent]

    public init(discussion: Discussion, events: [DiscussionEvent]) {
        self.discussion = discussion
        self.events = events
    }
}
