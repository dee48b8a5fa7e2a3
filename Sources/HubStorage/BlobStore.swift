import Foundation
import HubCore
import NIOCore

/// Content-addressed storage of LFS objects, shared by every repository (access is checked per
/// repository above this layer). Local files (`LocalBlobStore`) or an S3 bucket (`S3BlobStore`).
public protocol BlobStore: Sendable {
    /// The stored size of `oid`, or nil when it is not stored.
    func size(of oid: LFSObjectID) async throws -> Int64?

    /// Stores the bytes of `body` as `oid`. They are hashed as they arrive; the object becomes
    /// visible only if exactly `size` bytes with that SHA-256 arrived (else `BlobMismatch`, and
    /// nothing is kept). An object that is already stored is not written twice.
    func store<Body: AsyncSequence & Sendable>(_ body: Body, as oid: LFSObjectID, size: Int64) async throws -> BlobStoreOutcome
    where Body.Element == ByteBuffer

    /// Stores one part of a multipart upload (`upload` names the upload, `number` counts from 1),
    /// refusing more than `maxSize` bytes. Returns the part's SHA-256 (its ETag). Sending a part
    /// again replaces it.
    func storePart<Body: AsyncSequence & Sendable>(_ body: Body, upload: String, number: Int, maxSize: Int64) async throws -> String
    where Body.Element == ByteBuffer

    /// The SHA-256 and size of each stored part of `upload`, by part number.
    func parts(of upload: String) async throws -> [Int: (sha256: String, size: Int64)]

    /// Joins parts `1...count` of `upload` into `oid`, checked like `store`, then drops the parts.
    func completeParts(of upload: String, count: Int, as oid: LFSObjectID, size: Int64) async throws -> BlobStoreOutcome

    /// Drops the parts of multipart uploads not completed within `age` (their grants expired long ago).
    func sweepAbandonedParts(olderThan age: TimeInterval) async throws

    /// Deletes the bytes of `oid`; nothing happens when they are not stored.
    func remove(_ oid: LFSObjectID) async throws

    /// The local file that holds `oid`'s bytes when this store keeps objects on a filesystem this
    /// process can open (they can then go out with `sendfile`); nil for a remote store.
    func localPath(of oid: LFSObjectID) -> String?

    /// A URL from which a client may fetch `oid` itself, without the hub in the way (a presigned
    /// S3 URL, short-lived; a browser saves it as `fileName`); nil when the hub serves the bytes.
    func downloadURL(of oid: LFSObjectID, fileName: String?) -> String?

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
