import HubCore

/// Discussions and pull requests, with their timelines. Every change is one transaction: the
/// discussion's row and the event that records the change land together.
public protocol DiscussionStore: Sendable {
    /// Creates the next discussion of the repository (numbers start at 1) with its first events
    /// (the description as a comment, the commits a pull request starts with), then runs
    /// `commitPoint` with its number in the same transaction (to create the pull request's ref).
    func create(_ new: NewDiscussion, commitPoint: @Sendable (Int) throws -> Void) async throws -> Discussion
    func discussion(repoRowID: Int64, num: Int) async throws -> Discussion?
    /// Newest first.
    func discussions(repoRowID: Int64) async throws -> [Discussion]
    /// Oldest first.
    func events(repoRowID: Int64, num: Int) async throws -> [DiscussionEvent]
    /// Applies `change` by `actor`; nil when there is no such discussion. Refuses a change the
    /// discussion's state no longer allows (a merged pull request's status, a hidden comment's
    /// text) with `HubError.conflict`, and an event id that is no comment of the discussion with
    /// `HubError.entryNotFound`.
    func apply(_ change: DiscussionChange, repoRowID: Int64, num: Int, actor: DiscussionActor?) async throws -> DiscussionUpdate?
}
