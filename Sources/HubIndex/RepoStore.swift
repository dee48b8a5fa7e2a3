import Foundation
import HubCore

/// The index row of a repository about to be created.
public struct NewRepo: Sendable {
    public let id: RepoID
    public let isPrivate: Bool
    public let sdk: String?
    public let creatorID: Int64?
    public let headCommit: String
    /// Set for a mirror of an upstream repository: when it was fetched.
    public let mirroredAt: Date?

    public init(
        id: RepoID, isPrivate: Bool, sdk: String?, creatorID: Int64? = nil, headCommit: String, mirroredAt: Date? = nil
    ) {
        self.id = id
        self.isPrivate = isPrivate
        self.sdk = sdk
        self.creatorID = creatorID
        self.headCommit = headCommit
        self.mirroredAt = mirroredAt
    }
}

/// The index of repositories: which exist, who may see them, and their head commit.
extension RepoStore {
    /// The row, without its counters.
    public func find(_ id: RepoID) async throws -> RepoInfo? {
        try await find(id, withCounters: false)
    }
}

public protocol RepoStore: Sendable {
    /// Inserts the row, then runs `commitPoint` inside the same transaction (to move the git
    /// repository into place); if either fails, nothing is stored. Throws `repoExists` on a clash.
    func create(_ repo: NewRepo, commitPoint: @Sendable (_ rowID: Int64) throws -> Void) async throws -> RepoInfo
    /// The row; its counters (downloads, likes, trending score, LFS bytes) only when asked for,
    /// since they cost extra queries.
    func find(_ id: RepoID, withCounters: Bool) async throws -> RepoInfo?
    func find(rowID: Int64) async throws -> RepoInfo?
    /// Every repository of every kind, private ones included, a page at a time in the order of
    /// their row ids, which no write changes: the rows after `rowID`, at most `limit`, without
    /// counters or tags. A walk beside writers misses no row that existed when it began.
    func rows(after rowID: Int64, limit: Int) async throws -> [RepoInfo]
    /// Every repository of every kind in `namespace`, private ones included, each with the LFS
    /// bytes it binds (what a storage quota counts).
    func repositories(inNamespace namespace: HubName) async throws -> [RepoInfo]
    /// Deletes the row; false when there was none.
    func delete(_ id: RepoID) async throws -> Bool
    func updateHead(of id: RepoID, commit: String?, lastModified: Date, card: RepoCard?) async throws
    func setPrivate(_ id: RepoID, isPrivate: Bool) async throws
    /// Gates the repository's files behind access requests, or (nil) opens them.
    func setGated(_ id: RepoID, mode: GatedMode?) async throws
    /// Records that a mirror's branches and tags were fetched from upstream at `date`, and the
    /// visibility upstream gives it.
    func markMirrorFetched(_ id: RepoID, at date: Date, isPrivate: Bool) async throws
    /// Pins a mirror (kept when upstream deletes the repository) or unpins it. False when `id`
    /// is no mirror.
    func setMirrorPinned(_ id: RepoID, pinned: Bool) async throws -> Bool
    /// Stores what the card of the default branch says (metadata, tags, searchable text).
    func updateCard(_ id: RepoID, card: RepoCard) async throws
    /// A page of the repositories matching `query`, and whether more follow.
    func search(_ query: RepoQuery) async throws -> (repos: [RepoInfo], hasMore: Bool)
    /// How many repositories `query` matches (its order, offset and limit aside).
    func count(_ query: RepoQuery) async throws -> Int
    /// The most common tasks, libraries, languages and licenses among the matches of `query`.
    func facets(_ query: RepoQuery, limit: Int) async throws -> RepoFacets
    /// Renames the row to `newID`, then runs `commitPoint` (moving the git repository) in the same
    /// transaction. Throws `repoExists` when `newID` is taken.
    func rename(_ id: RepoID, to newID: RepoID, commitPoint: @Sendable () throws -> Void) async throws
    /// The repository an old name (`namespace/name`, left by a rename) or an alias (`name`) leads
    /// to, if any.
    func redirect(kind: RepoKind, from path: String) async throws -> RepoInfo?
    /// Makes the one-segment `name` an alias of `target`, or removes the alias when `target` is nil.
    func setAlias(kind: RepoKind, name: String, to target: RepoID?) async throws
    /// Every alias, by kind and name.
    func aliases() async throws -> [(kind: RepoKind, name: String, target: RepoID)]
    /// Runs `body` while no process sharing this index is between a repository row's change and
    /// its commit (create, rename, delete): what start-up reconciliation of the repository folders
    /// with the index needs when several instances share them.
    func whileNoRepositoryMoves<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result
    /// A number that changes whenever anything in the database changes (in this process or any
    /// other): what was read at one version is still true while the number stays the same.
    func indexVersion() async throws -> Int64
}
