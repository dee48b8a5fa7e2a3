import HubCore
import NIOCore

/// Content-addressed storage of LFS objects, shared by every repository (access is checked per
/// repository above this layer). Local files today; an S3-compatible store later.
public protocol BlobStore: Sendable {
    /// The stored size of `oid`, or nil when it is not stored.
    func size(of oid: LFSObjectID) async throws -> Int64?

    /// Stores the bytes of `body` as `oid`. They are hashed as they arrive; the object becomes
    /// visible only if exactly `size` bytes with that SHA-256 arrived (else `BlobMismatch`, and
    /// nothing is kept). An object that is already stored is not written twice.
    func store<Body: AsyncSequence>(_ body: Body, as oid: LFSObjectID, size: Int64) async throws -> BlobStoreOutcome
    where Body.Element == ByteBuffer

    /// Streams `range` (all of it when nil) of a stored object to `consume`, in chunks.
    func read(
        _ oid: LFSObjectID, range: ClosedRange<Int64>?, into consume: (ByteBuffer) async throws -> Void
    ) async throws
}

public enum BlobStoreOutcome: Sendable, Equatable {
    /// The bytes were new and are now stored.
    case stored
    /// The same bytes were already stored; the upload proved possession.
    case alreadyStored
}

/// The uploaded bytes are not the object they claim to be.
public struct BlobMismatch: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
