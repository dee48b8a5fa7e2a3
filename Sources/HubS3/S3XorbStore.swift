import Foundation
import HubCore
import HubStorage
import NIOCore
import XetCore

/// Xet's xorbs in an S3 bucket: `{prefix}xet/xorbs/{hash[0:2]}/{hash}`, in `StoredXorbFormat`
/// (the local store's files, byte for byte). A xorb is verified chunk by chunk as it arrives and
/// written to its key with one PUT only once its hash is its name, so nothing unverified is ever
/// at a xorb's key. A xorb's last use (what the garbage collector spares) is the later of its
/// own last modification and that of an empty marker `{prefix}xet/used/{hash}` rewritten on use.
public struct S3XorbStore: XorbStore {
    let client: S3Client
    let prefix: String
    /// Enough of a xorb's end to hold the index of most xorbs: one read instead of two.
    static let tailGuess: Int64 = 128 << 10

    public init(client: S3Client, prefix: String = "") {
        self.client = client
        self.prefix = prefix
    }

    func key(of hash: MerkleHash) -> String {
        let name = hash.xetString
        return "\(prefix)xet/xorbs/\(name.prefix(2))/\(name)"
    }

    func usedKey(of hash: MerkleHash) -> String {
        "\(prefix)xet/used/\(hash.xetString)"
    }

    public func store<Body: AsyncSequence>(_ body: Body, as hash: MerkleHash) async throws -> Bool
    where Body.Element == ByteBuffer {
        // A serialized xorb is bounded (XorbVerifier.maxSerializedSize), and its stored form ends
        // with an index known only at the end, so it is held in memory until verified.
        var verifier = try XorbVerifier()
        var stored = ByteBuffer()
        for try await buffer in body {
            try buffer.withUnsafeReadableBytes { try verifier.consume($0) }
            stored.writeImmutableBuffer(buffer)
        }
        let summary = try verifier.finish()
        guard summary.hash == hash else {
            throw HubError.badRequest("The xorb's chunks hash to \(summary.hash), not \(hash)")
        }
        if try await client.size(of: key(of: hash)) != nil {
            try await markUsed([hash])
            return false
        }
        // Anything after the chunks (a client's footer) is replaced by the index.
        guard var object = stored.getSlice(at: stored.readerIndex, length: summary.chunksEnd) else {
            throw HubError.internalFailure("the xorb ended before its chunks")
        }
        object.writeImmutableBuffer(StoredXorbFormat.index(of: summary))
        try await client.put(key(of: hash), body: .bytes(object), length: Int64(object.readableBytes))
        return true
    }

    /// Copies a xorb already in `StoredXorbFormat` (another store's copy, `storedSize` bytes):
    /// its chunks are verified against `hash` first. Returns false when the bucket had it.
    public func copyStored<Body: AsyncSequence>(_ body: Body, storedSize: Int64, as hash: MerkleHash) async throws -> Bool
    where Body.Element == ByteBuffer {
        var stored = ByteBuffer()
        for try await buffer in body {
            guard Int64(stored.readableBytes + buffer.readableBytes) <= storedSize else {
                throw HubError.internalFailure("xorb \(hash) grew while it was copied")
            }
            stored.writeImmutableBuffer(buffer)
        }
        let trailerSize = StoredXorbFormat.trailerSize
        guard Int64(stored.readableBytes) == storedSize, storedSize >= Int64(trailerSize),
            let trailer = stored.getSlice(at: stored.readerIndex + stored.readableBytes - trailerSize, length: trailerSize),
            let (_, chunksEnd) = try? StoredXorbFormat.trailer(trailer, storedSize: storedSize),
            let chunks = stored.getSlice(at: stored.readerIndex, length: Int(chunksEnd))
        else { throw HubError.internalFailure("stored xorb \(hash) is damaged") }
        var verifier = try XorbVerifier()
        try chunks.withUnsafeReadableBytes { try verifier.consume($0) }
        guard try verifier.finish().hash == hash else {
            throw HubError.internalFailure("stored xorb \(hash) does not hash to its name")
        }
        if try await client.size(of: key(of: hash)) == storedSize { return false }
        try await client.put(key(of: hash), body: .bytes(stored), length: storedSize)
        return true
    }

    public func chunks(of hash: MerkleHash) async throws -> [XorbVerifier.Chunk]? {
        let key = key(of: hash)
        guard let size = try await client.size(of: key) else { return nil }
        let trailerSize = Int64(StoredXorbFormat.trailerSize)
        guard size >= trailerSize else { throw HubError.internalFailure("a stored xorb has no index") }
        let tailStart = max(0, size - Self.tailGuess)
        let tail = try await client.bytes(of: key, range: tailStart...(size - 1))
        guard let trailer = tail.getSlice(at: tail.readerIndex + tail.readableBytes - Int(trailerSize), length: Int(trailerSize))
        else { throw HubError.internalFailure("a stored xorb was cut short") }
        let (count, chunksEnd) = try StoredXorbFormat.trailer(trailer, storedSize: size)
        let indexLength = Int64(count) * Int64(StoredXorbFormat.indexEntrySize)
        if chunksEnd >= tailStart, let index = tail.getSlice(at: tail.readerIndex + Int(chunksEnd - tailStart), length: Int(indexLength)) {
            return try StoredXorbFormat.entries(index, count: count)
        }
        guard indexLength > 0 else { return [] }
        let index = try await client.bytes(of: key, range: chunksEnd...(chunksEnd + indexLength - 1))
        return try StoredXorbFormat.entries(index, count: count)
    }

    public func readChunks(
        of hash: MerkleHash, _ range: Range<Int>, into consume: ([UInt8]) async throws -> Void
    ) async throws {
        guard let chunks = try await chunks(of: hash) else {
            throw HubError.internalFailure("xorb \(hash) is not stored")
        }
        guard range.lowerBound >= 0, range.upperBound <= chunks.count else {
            throw HubError.internalFailure("chunks \(range) of xorb \(hash), which has \(chunks.count)")
        }
        guard let first = chunks[range].first, let last = chunks[range].last else { return }
        let start = Int64(first.offset)
        let end = Int64(last.offset) + Int64(last.serializedLength) - 1
        let decoder = try ChunkDecoder()
        var pending = ByteBuffer()
        var next = range.lowerBound
        for try await piece in try await client.body(of: key(of: hash), range: start...end) {
            pending.writeImmutableBuffer(piece)
            while next < range.upperBound, pending.readableBytes >= Int(chunks[next].serializedLength) {
                guard let serialized = pending.readSlice(length: Int(chunks[next].serializedLength)) else { break }
                try await consume(StoredXorbFormat.decode(serialized, chunk: chunks[next], decoder: decoder, xorb: hash))
                next += 1
            }
            pending.discardReadBytes()
        }
        guard next == range.upperBound else {
            throw HubError.internalFailure("xorb \(hash) ended before chunk \(next)")
        }
    }

    public func readSerialized(
        of hash: MerkleHash, _ range: ClosedRange<Int64>, into consume: (ByteBuffer) async throws -> Void
    ) async throws {
        try await client.read(key(of: hash), range: range, into: consume)
    }

    // MARK: Garbage collection

    public func markUsed(_ hashes: [MerkleHash]) async throws {
        for hash in hashes {
            try await client.put(usedKey(of: hash), body: .bytes(ByteBuffer()), length: 0)
        }
    }

    public func allXorbs() async throws -> [StoredXorb] {
        var used: [String: Date] = [:]
        for marker in try await client.listAll(prefix: "\(prefix)xet/used/") {
            used[String(marker.key.split(separator: "/").last ?? "")] = marker.lastModified
        }
        var found: [StoredXorb] = []
        for object in try await client.listAll(prefix: "\(prefix)xet/xorbs/") {
            let name = String(object.key.split(separator: "/").last ?? "")
            guard let hash = MerkleHash(xetString: name) else { continue }
            let lastUsed = [object.lastModified, used[name]].compactMap { $0 }.max() ?? Date()
            found.append(StoredXorb(hash: hash, size: object.size, lastUsed: lastUsed))
        }
        return found
    }

    public func delete(_ hash: MerkleHash, unusedSince cutoff: Date) async throws -> Int64? {
        // Checked right before the delete: a xorb used since the collector listed it stays.
        guard let stored = try await client.info(of: key(of: hash)) else { return nil }
        let marker = try await client.info(of: usedKey(of: hash))
        let lastUsed = [stored.lastModified, marker?.lastModified].compactMap { $0 }.max() ?? Date()
        guard lastUsed < cutoff else { return nil }
        try await client.delete(key(of: hash))
        try await client.delete(usedKey(of: hash))
        return stored.size
    }
}
