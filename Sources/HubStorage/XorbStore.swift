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
}
