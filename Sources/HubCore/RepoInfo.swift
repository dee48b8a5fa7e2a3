import Foundation

/// What the index knows about one repository.
public struct RepoInfo: Sendable, Equatable {
    public let rowID: Int64
    public let id: RepoID
    public let isPrivate: Bool
    public let sdk: String?
    public let headCommit: String?
    public let createdAt: Date
    public let lastModified: Date

    public init(
        rowID: Int64, id: RepoID, isPrivate: Bool, sdk: String?, headCommit: String?,
        createdAt: Date, lastModified: Date
    ) {
        self.rowID = rowID
        self.id = id
        self.isPrivate = isPrivate
        self.sdk = sdk
        self.headCommit = headCommit
        self.createdAt = createdAt
        self.lastModified = lastModified
    }
}
