#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import HubCore
import NIOCore
import XetCore
import _NIOFileSystem

/// Xorbs as files: `xet/xorbs/{hash[0:2]}/{hash}` under the data folder, in `StoredXorbFormat`.
/// A body is written to `tmp/` while it is verified, synced, and renamed into place only when its
/// hash is its name.
public struct LocalXorbStore: XorbStore {
    let xorbsDirectory: URL
    let temporaryDirectory: URL

    /// `temporaryDirectory`: the hub's own area for writes in flight (`ScratchArea`), on the
    /// data folder's filesystem.
    public init(dataDirectory: URL, temporaryDirectory: URL) {
        xorbsDirectory = dataDirectory.appendingPathComponent("xet/xorbs")
        self.temporaryDirectory = temporaryDirectory
    }

    func path(of hash: MerkleHash) -> String {
        let name = hash.xetString
        return xorbsDirectory.appendingPathComponent("\(name.prefix(2))/\(name)").path
    }

    public func store<Body: AsyncSequence>(_ body: Body, as hash: MerkleHash) async throws -> Bool
    where Body.Element == ByteBuffer {
        try FileManager.default.createDirectory(at: temporaryDirectory, withIntermediateDirectories: true)
        let temporary = FilePath(temporaryDirectory.appendingPathComponent("xorb-\(UUID().uuidString)").path)
        do {
            let summary = try await FileSystem.shared.withFileHandle(
                forWritingAt: temporary, options: .newFile(replaceExisting: false)
            ) { handle in
                var verifier = try XorbVerifier()
                var written: Int64 = 0
                for try await buffer in body {
                    try buffer.withUnsafeReadableBytes { try verifier.consume($0) }
                    try await handle.write(contentsOf: buffer, toAbsoluteOffset: written)
                    written += Int64(buffer.readableBytes)
                }
                let summary = try verifier.finish()
                guard summary.hash == hash else {
                    throw HubError.badRequest("The xorb's chunks hash to \(summary.hash), not \(hash)")
                }
                // Anything after the chunks (a client's footer) is replaced by the index.
                try await handle.resize(to: ByteCount.bytes(Int64(summary.chunksEnd)))
                try await handle.write(
                    contentsOf: StoredXorbFormat.index(of: summary), toAbsoluteOffset: Int64(summary.chunksEnd))
                try await handle.synchronize()
                return summary
            }
            _ = summary
        } catch {
            _ = try? await FileSystem.shared.removeItem(at: temporary)
            throw error
        }
        let destination = URL(fileURLWithPath: path(of: hash))
        if FileManager.default.fileExists(atPath: destination.path) {
            _ = try? await FileSystem.shared.removeItem(at: temporary)
            try await markUsed([hash])
            return false
        }
        do {
            try DurableFiles.rename(URL(fileURLWithPath: temporary.string), to: destination)
        } catch {
            _ = try? await FileSystem.shared.removeItem(at: temporary)
            throw error
        }
        return true
    }

    public func chunks(of hash: MerkleHash) async throws -> [XorbVerifier.Chunk]? {
        guard let handle = try? await FileSystem.shared.openFile(forReadingAt: FilePath(path(of: hash))) else {
            return nil
        }
        return try await withClosing(handle) { try await Self.readIndex(handle) }
    }

    public func readChunks(
        of hash: MerkleHash, _ range: Range<Int>, into consume: ([UInt8]) async throws -> Void
    ) async throws {
        let handle = try await FileSystem.shared.openFile(forReadingAt: FilePath(path(of: hash)))
        try await withClosing(handle) {
            let chunks = try await Self.readIndex(handle)
            guard range.lowerBound >= 0, range.upperBound <= chunks.count else {
                throw HubError.internalFailure("chunks \(range) of xorb \(hash), which has \(chunks.count)")
            }
            let decoder = try ChunkDecoder()
            for chunk in chunks[range] {
                let serialized = try await handle.readChunk(
                    fromAbsoluteOffset: Int64(chunk.offset), length: .bytes(Int64(chunk.serializedLength)))
                try await consume(StoredXorbFormat.decode(serialized, chunk: chunk, decoder: decoder, xorb: hash))
            }
        }
    }

    public func readSerialized(
        of hash: MerkleHash, _ range: ClosedRange<Int64>, into consume: (ByteBuffer) async throws -> Void
    ) async throws {
        let handle = try await FileSystem.shared.openFile(forReadingAt: FilePath(path(of: hash)))
        try await withClosing(handle) {
            var offset = range.lowerBound
            while offset <= range.upperBound {
                let length = min(Int64(1 << 20), range.upperBound - offset + 1)
                let piece = try await handle.readChunk(fromAbsoluteOffset: offset, length: .bytes(length))
                guard piece.readableBytes > 0 else {
                    throw HubError.internalFailure("xorb \(hash) ended at byte \(offset), before \(range.upperBound)")
                }
                offset += Int64(piece.readableBytes)
                try await consume(piece)
            }
        }
    }

    // MARK: Garbage collection (a xorb's last use is its file's modification time)

    public func markUsed(_ hashes: [MerkleHash]) async throws {
        for hash in hashes {
            // A xorb deleted meanwhile is simply not marked: registering against it then fails.
            _ = utimes(path(of: hash), nil)
        }
    }

    public func allXorbs() async throws -> [StoredXorb] {
        var found: [StoredXorb] = []
        let manager = FileManager.default
        for folder in (try? manager.contentsOfDirectory(atPath: xorbsDirectory.path)) ?? [] {
            let folderPath = xorbsDirectory.appendingPathComponent(folder).path
            for name in (try? manager.contentsOfDirectory(atPath: folderPath)) ?? [] {
                guard let hash = MerkleHash(xetString: name), name.hasPrefix(folder),
                    let attributes = try? manager.attributesOfItem(atPath: "\(folderPath)/\(name)"),
                    let size = attributes[.size] as? NSNumber, let modified = attributes[.modificationDate] as? Date
                else { continue }
                found.append(StoredXorb(hash: hash, size: size.int64Value, lastUsed: modified))
            }
        }
        return found
    }

    public func delete(_ hash: MerkleHash, unusedSince cutoff: Date) async throws -> Int64? {
        let path = path(of: hash)
        // Checked right before the unlink: a xorb used since the collector listed it stays.
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = attributes[.size] as? NSNumber, let modified = attributes[.modificationDate] as? Date,
            modified < cutoff
        else { return nil }
        guard unlink(path) == 0 else { return nil }
        return size.int64Value
    }

    static func readIndex(_ handle: ReadFileHandle) async throws -> [XorbVerifier.Chunk] {
        let size = try await handle.info().size
        let trailerSize = Int64(StoredXorbFormat.trailerSize)
        guard size >= trailerSize else { throw HubError.internalFailure("a stored xorb has no index") }
        let trailer = try await handle.readChunk(fromAbsoluteOffset: size - trailerSize, length: .bytes(trailerSize))
        let (count, chunksEnd) = try StoredXorbFormat.trailer(trailer, storedSize: size)
        let index = try await handle.readChunk(
            fromAbsoluteOffset: chunksEnd, length: .bytes(Int64(count) * Int64(StoredXorbFormat.indexEntrySize)))
        return try StoredXorbFormat.entries(index, count: count)
    }

    private func withClosing<T>(_ handle: ReadFileHandle, _ body: () async throws -> T) async throws -> T {
        do {
            let result = try await body()
            try await handle.close()
            return result
        } catch {
            try? await handle.close()
            throw error
        }
    }
}
