import Foundation
import HubCore
import NIOCore
import _NIOFileSystem

/// LFS objects as files: `lfs/objects/{oid[0:2]}/{oid[2:4]}/{oid}` under the data folder.
/// An upload is written to `tmp/`, hashed on the way, synced, and renamed into place only when
/// its size and SHA-256 match the oid.
public struct LocalBlobStore: BlobStore {
    let objectsDirectory: URL
    let temporaryDirectory: URL
    static let readChunkSize: Int64 = 1 << 20

    /// Parts of multipart uploads in progress, one folder per upload.
    let partsDirectory: URL

    /// `temporaryDirectory`: the hub's own area for writes in flight (`ScratchArea`), on the
    /// data folder's filesystem.
    public init(dataDirectory: URL, temporaryDirectory: URL) {
        objectsDirectory = dataDirectory.appendingPathComponent("lfs/objects")
        partsDirectory = dataDirectory.appendingPathComponent("lfs/incoming")
        self.temporaryDirectory = temporaryDirectory
    }

    public func localPath(of oid: LFSObjectID) -> String? { path(of: oid) }

    public func downloadURL(of oid: LFSObjectID, fileName: String?) -> String? { nil }

    func path(of oid: LFSObjectID) -> String {
        let hex = oid.hex
        let first = hex.prefix(2)
        let second = hex.dropFirst(2).prefix(2)
        return objectsDirectory.appendingPathComponent("\(first)/\(second)/\(hex)").path
    }

    public func size(of oid: LFSObjectID) async throws -> Int64? {
        guard let info = try await FileSystem.shared.info(forFileAt: FilePath(path(of: oid))) else { return nil }
        return info.size
    }

    public func store<Body: AsyncSequence & Sendable>(_ body: Body, as oid: LFSObjectID, size: Int64) async throws -> BlobStoreOutcome
    where Body.Element == ByteBuffer {
        let temporary = try await writeSynced(body, maxSize: size) { digest, received in
            guard received == size else {
                throw BlobMismatch("\(received) bytes were sent, the object has \(size)")
            }
            guard digest == oid.hex else {
                throw BlobMismatch("the content's SHA-256 is \(digest), not \(oid.hex)")
            }
        }
        return try await install(temporary, as: oid)
    }

    /// Writes `body` to a new file in `tmp/` while hashing it, lets `check` refuse the result
    /// (by SHA-256 and size), syncs it, and returns its path; on any failure nothing is left.
    private func writeSynced<Body: AsyncSequence>(
        _ body: Body, maxSize: Int64, check: (_ sha256: String, _ size: Int64) throws -> Void
    ) async throws -> FilePath where Body.Element == ByteBuffer {
        try FileManager.default.createDirectory(at: temporaryDirectory, withIntermediateDirectories: true)
        let temporary = FilePath(temporaryDirectory.appendingPathComponent("upload-\(UUID().uuidString)").path)
        var writer = try HashingFileWriter(creating: temporary.string)
        do {
            for try await buffer in body {
                guard writer.byteCount + Int64(buffer.readableBytes) <= maxSize else {
                    throw BlobMismatch("more than the expected \(maxSize) bytes were sent")
                }
                try await writer.write(buffer)
            }
            try check(try await writer.finishWriting(), writer.byteCount)
            try await writer.synchronizeAndClose()
        } catch {
            await writer.abandon()
            _ = try? await FileSystem.shared.removeItem(at: temporary)
            throw error
        }
        return temporary
    }

    /// Renames a checked temporary file into its content address (or drops it when that object
    /// is already stored).
    private func install(_ temporary: FilePath, as oid: LFSObjectID) async throws -> BlobStoreOutcome {
        let destination = URL(fileURLWithPath: path(of: oid))
        if FileManager.default.fileExists(atPath: destination.path) {
            _ = try? await FileSystem.shared.removeItem(at: temporary)
            return .alreadyStored
        }
        do {
            try DurableFiles.rename(URL(fileURLWithPath: temporary.string), to: destination)
        } catch {
            _ = try? await FileSystem.shared.removeItem(at: temporary)
            throw error
        }
        return .stored
    }

    public func remove(_ oid: LFSObjectID) async throws {
        let file = URL(fileURLWithPath: path(of: oid))
        if unlink(file.path) != 0 {
            let failure = errno
            if failure == ENOENT { return }
            throw HubError.internalFailure("delete \(file.path): errno \(failure)")
        }
        // The unlink is made durable like the rename that stored it.
        try DurableFiles.syncDirectory(file.deletingLastPathComponent())
    }

    // MARK: Multipart

    func partFolder(_ upload: String) -> URL {
        partsDirectory.appendingPathComponent(upload)
    }

    /// A part file is named `<number>.<sha256>`: the name records the ETag, checked at completion.
    public func storePart<Body: AsyncSequence & Sendable>(_ body: Body, upload: String, number: Int, maxSize: Int64) async throws -> String
    where Body.Element == ByteBuffer {
        var sha = ""
        let temporary = try await writeSynced(body, maxSize: maxSize) { digest, _ in sha = digest }
        let folder = partFolder(upload)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for stale in try FileManager.default.contentsOfDirectory(atPath: folder.path) where stale.hasPrefix("\(number).") {
                try FileManager.default.removeItem(at: folder.appendingPathComponent(stale))
            }
            try DurableFiles.rename(URL(fileURLWithPath: temporary.string), to: folder.appendingPathComponent("\(number).\(sha)"))
        } catch {
            _ = try? await FileSystem.shared.removeItem(at: temporary)
            throw error
        }
        return sha
    }

    public func parts(of upload: String) async throws -> [Int: (sha256: String, size: Int64)] {
        let folder = partFolder(upload)
        guard FileManager.default.fileExists(atPath: folder.path) else { return [:] }
        var parts: [Int: (String, Int64)] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let pieces = name.split(separator: ".")
            guard pieces.count == 2, let number = Int(pieces[0]) else { continue }
            let attributes = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)
            parts[number] = (String(pieces[1]), (attributes[.size] as? NSNumber)?.int64Value ?? -1)
        }
        return parts
    }

    public func completeParts(of upload: String, count: Int, as oid: LFSObjectID, size: Int64) async throws -> BlobStoreOutcome {
        let stored = try await parts(of: upload)
        let folder = partFolder(upload)
        var files: [FilePath] = []
        for number in 1...max(count, 1) {
            guard let part = stored[number] else { throw BlobMismatch("part \(number) was never uploaded") }
            files.append(FilePath(folder.appendingPathComponent("\(number).\(part.sha256)").path))
        }
        let total = (1...max(count, 1)).reduce(Int64(0)) { $0 + (stored[$1]?.size ?? 0) }
        guard total == size else { throw BlobMismatch("the parts hold \(total) bytes, the object has \(size)") }
        let joined = ConcatenatedFiles(paths: files)
        let temporary = try await writeSynced(joined, maxSize: size) { digest, received in
            guard received == size else {
                throw BlobMismatch("the parts hold \(received) bytes, the object has \(size)")
            }
            guard digest == oid.hex else {
                throw BlobMismatch("the parts' SHA-256 is \(digest), not \(oid.hex)")
            }
        }
        let outcome = try await install(temporary, as: oid)
        try? FileManager.default.removeItem(at: folder)
        return outcome
    }

    public func sweepAbandonedParts(olderThan age: TimeInterval) async throws {
        guard FileManager.default.fileExists(atPath: partsDirectory.path) else { return }
        let cutoff = Date().addingTimeInterval(-age)
        for name in try FileManager.default.contentsOfDirectory(atPath: partsDirectory.path) {
            let folder = partsDirectory.appendingPathComponent(name)
            let modified = try FileManager.default.attributesOfItem(atPath: folder.path)[.modificationDate] as? Date
            if let modified, modified < cutoff {
                try FileManager.default.removeItem(at: folder)
            }
        }
    }

    public func read(
        _ oid: LFSObjectID, range: ClosedRange<Int64>?, into consume: (ByteBuffer) async throws -> Void
    ) async throws {
        // One chunk at a time: the next read starts only after the client took the last chunk,
        // so a slow download holds about one chunk (FileChunks would read ahead 8).
        try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(path(of: oid))) { handle in
            var offset = range?.lowerBound ?? 0
            let end: Int64
            if let range {
                end = range.upperBound + 1
            } else {
                end = try await handle.info().size
            }
            while offset < end {
                let length = min(Self.readChunkSize, end - offset)
                let chunk = try await handle.readChunk(fromAbsoluteOffset: offset, length: .bytes(length))
                guard chunk.readableBytes > 0 else {
                    throw BlobMismatch("the stored object ended at byte \(offset), before \(end)")
                }
                offset += Int64(chunk.readableBytes)
                try await consume(chunk)
            }
        }
    }
}
