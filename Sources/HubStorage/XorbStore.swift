import Foundation
import HubCore
import NIOCore
import XetCore

/// Xet's xorbs, content-addressed and shared by every repository: stored only after every chunk
/// was decoded and hashed and the merkle root equals the name, never overwritten.
public protocol XorbStore: Sendable {
    /// Verifies the serialized xorb `body` (at most `XorbVerifier.maxSerializedSize` bytes) and
    /// stores it as `hash`. Returns false when that xorb was already stored (the body is then
    /// still verified, and dropped). A body that is not the xorb `hash` names fails
    /// with `HubError.badRequest` and stores nothing.
    func store<Body: AsyncSequence>(_ body: Body, as hash: MerkleHash) async throws -> Bool where Body.Element == ByteBuffer

    /// The chunks of a stored xorb, in order; nil when it is not stored.
    func chunks(of hash: MerkleHash) async throws -> [XorbVerifier.Chunk]?

    /// Bytes `range` of a stored xorb's chunks as the client serialized them (what Xet clients
    /// fetch and decode themselves), in pieces.
    func readSerialized(
        of hash: MerkleHash, _ range: ClosedRange<Int64>, into consume: (ByteBuffer) async throws -> Void
    ) async throws

    /// The decoded bytes of chunks `range` of a stored xorb, one chunk at a time.
    func readChunks(
        of hash: MerkleHash, _ range: Range<Int>, into consume: ([UInt8]) async throws -> Void
    ) async throws

    // The garbage collector's view. A xorb's "last use" is when it was stored, sent again, named
    // in a dedup answer or named by a shard being registered: the collector spares any xorb used
    // within its grace period, so one a client may still name is never deleted under it.

    /// Marks stored xorbs as used now (those not stored are skipped).
    func markUsed(_ hashes: [MerkleHash]) async throws
    /// Every stored xorb, with its size on disk and last use.
    func allXorbs() async throws -> [StoredXorb]
    /// Deletes a stored xorb unless it was used at or after `cutoff`. Returns the bytes freed, or
    /// nil when it was kept or is not stored.
    func delete(_ hash: MerkleHash, unusedSince cutoff: Date) async throws -> Int64?
}

/// A stored xorb as the garbage collector sees it.
public struct StoredXorb: Sendable, Equatable {
    public let hash: MerkleHash
    public let size: Int64
    public let lastUsed: Date

    public init(hash: MerkleHash, size: Int64, lastUsed: Date) {
        self.hash = hash
        self.size = size
        self.lastUsed = lastUsed
    }
}
