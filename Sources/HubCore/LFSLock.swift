import Foundation

/// A Git LFS file lock: one path of one repository, held by one user.
public struct LFSLock: Sendable, Equatable {
    public let id: Int64
    public let path: String
    public let ownerID: Int64
    public let ownerName: String
    public let lockedAt: Date

    public init(id: Int64, path: String, ownerID: Int64, ownerName: String, lockedAt: Date) {
        self.id = id
        self.path = path
        self.ownerID = ownerID
        self.ownerName = ownerName
        self.lockedAt = lockedAt
    }
}

/// The path is locked already; the error carries the existing lock (git-lfs shows its owner).
public struct LFSLockConflict: Error, Sendable {
    public let existing: LFSLock

    public init(existing: LFSLock) {
        self.existing = existing
    }
}
