import HubCore

/// A commit as a pull request's timeline shows it.
public struct DiscussionCommitNote: Sendable, Equatable {
    public let oid: String
    public let subject: String

    public init(oid: String, subject: String) {
        self.oid = oid
        self.subject = subject
    }
}
