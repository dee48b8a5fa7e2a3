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

    public init() {}
}
