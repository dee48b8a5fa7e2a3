import Crypto
import Foundation
import HubCore
import HubIndex
import HubStorage
import NIOCore
import XetCore

/// Xet, the content-addressed storage huggingface_hub uploads through by default (hf_xet): the
/// tokens the hub hands out, the CAS's xorbs and shards, and the files they make up, rebuilt
/// from the xorbs for every reader (hub-docs `docs/xet/upload-protocol.md`, `api.md`).
///
/// Nothing a client sends is trusted: xorbs are stored only when they hash to their name, and a
/// shard's file is registered only when the server, reading the stored chunks, finds the file
/// hash, every term's verification hash and the SHA-256 the client claims. The SHA-256 then
/// binds the file to the repository its upload token was for, as an LFS object.
public struct XetService: Sendable {
    let files: any XetFileStore
    /// Which repositories a file is bound to (as the LFS object its SHA-256 names).
    let lfs: any LFSStore
    let xorbs: any XorbStore
    /// Whose storage quota an upload is charged to.
    let repos: RepoService
    /// Who may upload for a pull request.
    let discussions: DiscussionService
    let signer: XetTokenSigner
    /// How long a token lives: huggingface_hub caches a read token until a minute before it
    /// expires, hf_xet refreshes 30 s before (`utils/_xet.py`), so it must be well over that.
    public let tokenLifetime: TimeInterval = 3600

    init(
        files: any XetFileStore, lfs: any LFSStore, xorbs: any XorbStore, repos: RepoService, discussions: DiscussionService,
        secret: [UInt8]
    ) {
        self.discussions = discussions
        self.files = files
        self.lfs = lfs
        self.xorbs = xorbs
        self.repos = repos
        signer = XetTokenSigner(secret: secret)
    }

    // MARK: Tokens

    /// A token for the repository the request was let into. Writing needs write access to a
    /// branch; uploading for a pull request needs leave to push to it (`refs/pr/N`) or, for a
    /// new one (`create_pr`), to take part, as on the public hub (`DiscussionService.requireWrite`).
    public func token(for grant: RepoGrant, revision: String, scope: XetToken.Scope, creatingPullRequest: Bool)
        async throws -> (token: String, expires: Int64)
    {
        if scope == .write {
            try await discussions.requireWrite(grant, revision: revision, creatingPullRequest: creatingPullRequest)
        }
        let expires = Int64(Date().addingTimeInterval(tokenLifetime).timeIntervalSince1970)
        let token = XetToken(scope: scope, repoRowID: grant.repo.rowID, userID: grant.caller?.user.id ?? 0, expires: expires)
        return (signer.sign(token), expires)
    }

    /// The token in an `Authorization: Bearer …` value, if it is ours, unexpired and allows `scope`.
    public func access(_ authorization: String?, needs scope: XetToken.Scope) throws -> XetToken {
        guard let authorization, authorization.lowercased().hasPrefix("bearer "),
            let token = signer.verify(String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)),
            token.allows(.read, now: Date())
        else { throw HubError.invalidCredentials }
        guard token.allows(scope, now: Date()) else {
            throw HubError.forbidden("This Xet token may only read: uploading needs a token from xet-write-token")
        }
        return token
    }

    // MARK: Xorbs

    /// Stores a xorb sent with a write token. Returns whether it was new. A new xorb of
    /// `declaredLength` bytes is refused before it is read when the token's repository's namespace
    /// could not take even that much more: the files made of it would hold at least as many bytes
    /// (a xorb's chunks are compressed), and the shard that binds them would be refused.
    public func storeXorb<Body: AsyncSequence>(
        _ body: Body, as hash: MerkleHash, declaredLength: Int64? = nil, token: XetToken
    ) async throws -> Bool where Body.Element == ByteBuffer {
        guard token.scope == .write else { throw HubError.forbidden("Uploading a xorb needs a write token") }
        if let declaredLength {
            let xorbs = self.xorbs
            // A xorb the hub already holds (sent again by a client that did not know) adds nothing.
            try await repos.admitStorage(toRepoRowID: token.repoRowID) {
                try await xorbs.chunks(of: hash) == nil ? declaredLength : 0
            }
        }
        return try await xorbs.store(body, as: hash)
    }

    // MARK: Shards

    /// How far the registration of a shard has come, for `POST /v2/shards`' NDJSON frames
    /// (xet-core `cas_types::ShardUploadEvent`).
    public enum ShardProgress: Sendable, Equatable {
        /// `verified` of `total` checks done: each term's verification hash, then each term's
        /// bytes read through SHA-256.
        case validating(verified: Int, total: Int)
        /// Everything checked; the files are being written to the index.
        case committing
    }

    /// Verifies every file of a shard against the stored xorbs and registers it, bound to the
    /// token's repository. Returns how many files were new to the hub.
    public func registerShard(_ bytes: [UInt8], token: XetToken) async throws -> Int {
        let shard = try parseShard(bytes, token: token)
        try await admit(shard, token: token)
        return try await registerShard(shard, token: token)
    }

    /// Refuses a shard whose files, bound to the token's repository, would pass its namespace's
    /// storage quota (a file the repository already holds adds nothing). Sizes are the shard's
    /// own: a shard that understates them fails verification.
    public func admit(_ shard: Shard, token: XetToken) async throws {
        guard let repo = try await repos.store.find(rowID: token.repoRowID) else { return }
        let lfs = self.lfs
        let files = self.files
        try await repos.admitStorage(toNamespace: repo.id.namespace) {
            var adding: Int64 = 0
            var seen: Set<MerkleHash> = []
            for file in shard.files where seen.insert(file.hash).inserted {
                if let known = try await files.file(hash: file.hash),
                    try await lfs.boundObjects([known.sha256], repo: repo.rowID)[known.sha256] != nil
                {
                    continue
                }
                adding += file.terms.reduce(Int64(0)) { $0 + Int64($1.unpackedBytes) }
            }
            return adding
        }
    }

    /// A shard's bytes parsed, for a write token: a malformed shard is refused here, before
    /// anything is read from the store.
    public func parseShard(_ bytes: [UInt8], token: XetToken) throws -> Shard {
        guard token.scope == .write else { throw HubError.forbidden("Uploading a shard needs a write token") }
        return try Shard(parsing: bytes)
    }

    /// Verifies every file of `shard` against the stored xorbs, then registers them all, bound
    /// to the token's repository, telling `progress` along the way: a shard with one bad file
    /// registers none. Returns how many files were new to the hub.
    public func registerShard(
        _ shard: Shard, token: XetToken, progress: (ShardProgress) async throws -> Void = { _ in }
    ) async throws -> Int {
        guard token.scope == .write else { throw HubError.forbidden("Uploading a shard needs a write token") }
        // Marked before they are read, so the garbage collector spares them from here on.
        try await xorbs.markUsed(Array(Set(shard.xorbs.map(\.hash) + shard.files.flatMap { $0.terms.map(\.xorb) })))
        var chunkTables: [MerkleHash: [XorbVerifier.Chunk]] = [:]
        func chunks(of xorb: MerkleHash) async throws -> [XorbVerifier.Chunk] {
            if let known = chunkTables[xorb] { return known }
            guard let stored = try await xorbs.chunks(of: xorb) else {
                throw HubError.badRequest("The shard references xorb \(xorb), which was not uploaded")
            }
            chunkTables[xorb] = stored
            return stored
        }
        // The xorbs the upload says it created must be exactly what is stored.
        for listed in shard.xorbs {
            let stored = try await chunks(of: listed.hash)
            var start: UInt32 = 0
            let expected = stored.map { chunk -> Shard.XorbChunk in
                defer { start &+= chunk.size }
                return Shard.XorbChunk(hash: chunk.hash, unpackedStart: start, size: chunk.size)
            }
            guard listed.chunks == expected else {
                throw HubError.badRequest("The shard's listing of xorb \(listed.hash) does not match its chunks")
            }
        }
        let total = 2 * shard.files.reduce(0) { $0 + $1.terms.count }
        var verified = 0
        var checked: [(file: XetFile, dedup: [(chunk: MerkleHash, xorb: MerkleHash)])] = []
        for file in shard.files {
            guard let verification = file.verification, verification.count == file.terms.count else {
                throw HubError.badRequest("Every file of a shard needs a verification hash per term")
            }
            var leaves: [(hash: MerkleHash, size: UInt64)] = []
            var size: Int64 = 0
            for (term, proof) in zip(file.terms, verification) {
                let table = try await chunks(of: term.xorb)
                guard term.chunkEnd <= table.count else {
                    throw HubError.badRequest("A term names chunks \(term.chunkStart)..<\(term.chunkEnd) of xorb \(term.xorb), which has \(table.count)")
                }
                let slice = table[Int(term.chunkStart)..<Int(term.chunkEnd)]
                let bytes = slice.reduce(UInt64(0)) { $0 + UInt64($1.size) }
                guard bytes == UInt64(term.unpackedBytes) else {
                    throw HubError.badRequest("A term of xorb \(term.xorb) declares \(term.unpackedBytes) bytes; its chunks hold \(bytes)")
                }
                guard XetHash.verification(slice.map(\.hash)) == proof else {
                    throw HubError.badRequest("A term's verification hash does not match the chunks of xorb \(term.xorb)")
                }
                leaves += slice.map { ($0.hash, UInt64($0.size)) }
                size += Int64(bytes)
                verified += 1
                try await progress(.validating(verified: verified, total: total))
            }
            guard XetHash.file(leaves) == file.hash else {
                throw HubError.badRequest("The file's chunks hash to \(XetHash.file(leaves)), not \(file.hash)")
            }
            // The SHA-256 is what commits name the file by: computed here, never taken on trust.
            var digest = SHA256()
            for term in file.terms {
                try await xorbs.readChunks(of: term.xorb, Int(term.chunkStart)..<Int(term.chunkEnd)) { digest.update(data: $0) }
                verified += 1
                try await progress(.validating(verified: verified, total: total))
            }
            let sha256 = try LFSObjectID(digest.finalize().hexString)
            if let claimed = file.claimedSHA256, claimed.xetString != sha256.hex {
                throw HubError.badRequest("The file's SHA-256 is \(sha256.hex), not \(claimed.xetString)")
            }
            checked.append((
                XetFile(hash: file.hash, sha256: sha256, size: size, terms: file.terms),
                try await dedupEntries(of: file, chunks: chunks)))
        }
        try await progress(.committing)
        var registered = 0
        for (file, dedup) in checked {
            if try await files.file(hash: file.hash) == nil { registered += 1 }
            try await files.register(file, bindingTo: token.repoRowID)
            try await files.indexForDedup(dedup, file: file.hash)
        }
        return registered
    }

    /// The chunks of a verified file that global dedup indexes: its first chunk, and every
    /// eligible one (`DedupShard.isEligible`).
    private func dedupEntries(
        of file: Shard.File, chunks: (MerkleHash) async throws -> [XorbVerifier.Chunk]
    ) async throws -> [(chunk: MerkleHash, xorb: MerkleHash)] {
        var entries: [(chunk: MerkleHash, xorb: MerkleHash)] = []
        for (index, term) in file.terms.enumerated() {
            let table = try await chunks(term.xorb)
            for position in Int(term.chunkStart)..<Int(term.chunkEnd) {
                let chunk = table[position].hash
                if (index == 0 && position == Int(term.chunkStart)) || DedupShard.isEligible(chunk) {
                    entries.append((chunk, term.xorb))
                }
            }
        }
        return entries
    }

    // MARK: Global dedup

    /// How long a client may reuse what a dedup answer offers (its shard's key expiry): well
    /// inside the garbage collector's default grace period, so what an answer offers is still
    /// there when the client names it.
    static let dedupLifetime: TimeInterval = 24 * 3600
    /// The most xorbs one answer lists (about 48 KiB of shard each).
    static let dedupXorbsPerAnswer = 64

    /// The answer to a global dedup query: a shard listing the xorb that holds `chunk` and the
    /// other xorbs of the file it was indexed with (hf_xet asks about one chunk in hundreds, so a
    /// new version of a file finds every xorb of the old one from its first chunk), with chunk
    /// hashes keyed by a key drawn for this answer; nil when the chunk is not indexed.
    /// Dedup is hub-wide, as on the public hub: the answer only says which xorb ranges the client
    /// may name, and naming them in a shard still needs their verification hashes, which only
    /// the chunks' real hashes (so their bytes) give.
    public func dedupShard(for chunk: MerkleHash) async throws -> [UInt8]? {
        guard let (xorb, fileHash) = try await files.dedupEntry(for: chunk) else { return nil }
        var names = [xorb]
        for term in try await files.file(hash: fileHash)?.terms ?? [] where !names.contains(term.xorb) {
            guard names.count < Self.dedupXorbsPerAnswer else { break }
            names.append(term.xorb)
        }
        var listed: [DedupShard.Xorb] = []
        for name in names {
            if let table = try await xorbs.chunks(of: name) { listed.append(DedupShard.Xorb(hash: name, chunks: table)) }
        }
        guard !listed.isEmpty else { return nil }
        // The client may name these in its shard for as long as the answer lasts: the garbage
        // collector's grace period counts from now.
        try await xorbs.markUsed(listed.map(\.hash))
        var generator = SystemRandomNumberGenerator()
        let key = MerkleHash(words: (generator.next(), generator.next(), generator.next(), generator.next()))
        let now = Date()
        return DedupShard.serialize(
            listed, key: key, created: UInt64(now.timeIntervalSince1970),
            expiry: UInt64(now.addingTimeInterval(Self.dedupLifetime).timeIntervalSince1970))
    }

    // MARK: Reading

    /// The Xet file stored under this SHA-256, if any.
    public func file(sha256: LFSObjectID) async throws -> XetFile? {
        try await files.file(sha256: sha256)
    }

    /// Streams `range` (all when nil) of a file, rebuilt from its xorbs' chunks; only the
    /// chunks the range overlaps are read and decoded.
    public func read(
        _ file: XetFile, range: ClosedRange<Int64>?, into consume: (ByteBuffer) async throws -> Void
    ) async throws {
        let first = range?.lowerBound ?? 0
        let last = range?.upperBound ?? (file.size - 1)
        guard first <= last else { return }
        var termStart: Int64 = 0
        for term in file.terms {
            let termEnd = termStart + Int64(term.unpackedBytes)
            defer { termStart = termEnd }
            guard termEnd > first, termStart <= last else { continue }
            guard let table = try await xorbs.chunks(of: term.xorb), term.chunkEnd <= table.count else {
                throw HubError.internalFailure("xorb \(term.xorb) of file \(file.hash) is missing or damaged")
            }
            guard let (chunks, chunkStart) = Self.overlap(of: term, table: table, startingAt: termStart, first: first, last: last)
            else { continue }
            var position = chunkStart
            try await xorbs.readChunks(of: term.xorb, chunks) { bytes in
                let start = max(first, position)
                let end = min(last + 1, position + Int64(bytes.count))
                if start < end {
                    try await consume(ByteBuffer(bytes: bytes[Int(start - position)..<Int(end - position)]))
                }
                position += Int64(bytes.count)
            }
        }
    }

    /// The chunks of `term` (whose bytes start at file offset `termStart`) that bytes
    /// `first...last` of the file overlap, and the file offset where the first of them starts;
    /// nil when the range misses the term. Reading and reconstruction both cut terms this way.
    static func overlap(
        of term: Shard.Term, table: [XorbVerifier.Chunk], startingAt termStart: Int64, first: Int64, last: Int64
    ) -> (chunks: Range<Int>, start: Int64)? {
        var from = Int(term.chunkStart)
        var to = Int(term.chunkEnd)
        var start = termStart
        var offset = termStart
        for index in Int(term.chunkStart)..<Int(term.chunkEnd) {
            let end = offset + Int64(table[index].size)
            if end <= first {
                from = index + 1
                start = end
            }
            if offset > last {
                to = index
                break
            }
            offset = end
        }
        return from < to ? (from..<to, start) : nil
    }
}
