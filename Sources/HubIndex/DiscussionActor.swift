import HubCore

/// Who makes a change: their row, and their name as edit histories keep it.
public struct DiscussionActor: Sendable {
    public let id: Int64
    public let name: String

    public init(id: Int64, name: String) {
        self.id = id
        self.name = name
    }
}
