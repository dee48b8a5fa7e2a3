/// What `modelhub gc` found to reclaim, and (unless it was a dry run) reclaimed.
public struct GarbageReport: Sendable, Equatable {
    /// Files uploaded through Xet to a repository that no commit of any of its refs points to
    /// (an upload whose commit never came), unbound from it.
    public var uncommittedUploads = 0
    /// Xet files no repository is bound to any more (their repositories were deleted, or they
    /// were uploaded and never committed), deleted.
    public var files = 0
    /// Xorbs no remaining file needs (and unused for the grace period), deleted.
    public var xorbs = 0
    /// Bytes those xorbs took on disk.
    public var bytes: Int64 = 0
    /// LFS objects found bound to no repository on this run (their repositories were deleted):
    /// deleted by a run at least the grace period later, unless bound again meanwhile.
    public var lfsObjectsMarked = 0
    /// LFS objects bound to no repository since a run at least the grace period ago, deleted.
    public var lfsObjects = 0
    /// The bytes of those objects.
    public var lfsBytes: Int64 = 0
    /// Repositories whose `git gc --auto` ran (or would run).
    public var repositories = 0

    public init() {}
}
