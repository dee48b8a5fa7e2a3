import Foundation
import HubCore
import XetCore

/// Files uploaded through Xet, as registered once their shard was verified.
public protocol XetFileStore: Sendable {
    /// Records `file` (kept as it is when its hash is already known) and binds its SHA-256, as an
    /// LFS object of `file.size` bytes, to the repository, in one transaction.
    func register(_ file: XetFile, bindingTo repoRowID: Int64) async throws
    /// A registered file with this SHA-256, if any.
    func file(sha256: LFSObjectID) async throws -> XetFile?
    func file(hash: MerkleHash) async throws -> XetFile?

    /// Records which xorb holds each chunk of `file`, for global dedup (the first record of a
    /// chunk stays).
    func indexForDedup(_ chunks: [(chunk: MerkleHash, xorb: MerkleHash)], file: MerkleHash) async throws
    /// The xorb holding `chunk` and the file it was indexed with, if the chunk is indexed.
    func dedupEntry(for chunk: MerkleHash) async throws -> (xorb: MerkleHash, file: MerkleHash)?

    // The garbage collector's view.

    /// Every registered file, with when it was registered.
    func allFiles() async throws -> [(file: XetFile, registered: Date)]
    /// Deletes the file `hash`, its dedup records and its SHA-256's LFS row, in one transaction,
    /// but only if no repository is bound to its SHA-256 and it was registered before `cutoff`.
    /// Returns whether it was deleted.
    func deleteIfUnbound(_ hash: MerkleHash, registeredBefore cutoff: Date) async throws -> Bool
}

/// A file as Xet stores it: its bytes are its terms' chunk ranges, in order.
public struct XetFile: Sendable, Equatable {
    public let hash: MerkleHash
    public let sha256: LFSObjectID
    public let size: Int64
    public let terms: [Shard.Term]

    public init(hash: MerkleHash, sha256: LFSObjectID, size: Int64, terms: [Shard.Term]) {
        self.hash = hash
        self.sha256 = sha256
        self.size = size
        self.terms = terms
    }
}
