import Crypto
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

    public init(dataDirectory: URL) {
        objectsDirectory = dataDirectory.appendingPathComponent("lfs/objects")
        temporaryDirectory = dataDirectory.appendingPathComponent("tmp")
    }

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

    public func store<Body: AsyncSequence>(_ body: Body, as oid: LFSObjectID, size: Int64) async throws -> BlobStoreOutcome
    where Body.Element == ByteBuffer {
        try FileManager.default.createDirectory(at: temporaryDirectory, withIntermediateDirectories: true)
        let temporary = FilePath(temporaryDirectory.appendingPathComponent("upload-\(UUID().uuidString)").path)
        var hasher = SHA256()
        var received: Int64 = 0
        do {
            try await FileSystem.shared.withFileHandle(
                forWritingAt: temporary, options: .newFile(replaceExisting: false)
            ) { handle in
                try await handle.withBufferedWriter(capacity: .mebibytes(1)) { writer in
                    for try await buffer in body {
                        received += Int64(buffer.readableBytes)
                        guard received <= size else {
                            throw BlobMismatch("more than the declared \(size) bytes were sent")
                        }
                        buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                        try await writer.write(contentsOf: buffer)
                    }
                }
                guard received == size else {
                    throw BlobMismatch("\(received) bytes were sent, the object has \(size)")
                }
                let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
                guard digest == oid.hex else {
                    throw BlobMismatch("the content's SHA-256 is \(digest), not \(oid.hex)")
                }
                try await handle.synchronize()
            }
        } catch {
            _ = try? await FileSystem.shared.removeItem(at: temporary)
            throw error
        }
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

    public func read(
        _ oid: LFSObjectID, range: ClosedRange<Int64>?, into consume: (ByteBuffer) async throws -> Void
    ) async throws {
        try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(path(of: oid))) { handle in
            let chunks: FileChunks
            if let range {
                chunks = handle.readChunks(in: range, chunkLength: .bytes(Self.readChunkSize))
            } else {
                chunks = handle.readChunks(chunkLength: .bytes(Self.readChunkSize))
            }
            for try await chunk in chunks {
                try await consume(chunk)
            }
        }
    }
}
