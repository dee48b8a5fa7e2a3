import Crypto
import Foundation
import HubCore
import HubStorage
import NIOCore
import Synchronization

/// The LFS objects of mirrored repositories, fetched from the upstream hub on their first
/// download (the Git LFS batch API there), checked against the pointer's size and SHA-256,
/// stored and bound to the mirror; every later download is served from here.
extension LFSService {
    /// Starts (or joins) the upstream fetch of a mirror's object and returns once upstream is
    /// sending it, or throws `upstreamFailed` (nothing was fetched: a clear 502). Nil when the
    /// object is here already (now bound to the mirror).
    func beginMirrored(_ pointer: LFSPointer, repo: RepoInfo) async throws -> MirrorDownload? {
        guard repo.mirror != nil, let upstream = repos.upstream else { return nil }
        if try await stored(pointer.oid)?.size == pointer.size {
            try await store.bind(pointer.oid, size: pointer.size, toRepo: repo.rowID)
            return nil
        }
        let (download, isNew) = try mirrorDownloads.join(pointer, in: scratch)
        if isNew {
            let service = self
            Task { await service.fetch(pointer, of: repo, from: upstream, into: download) }
        }
        try await download.waitUntilStarted()
        return download
    }

    /// The whole object fetched from upstream (for the Git LFS batch, which answers with where
    /// the bytes are, so they must be here first).
    func fetchMirrored(_ pointer: LFSPointer, repo: RepoInfo) async throws {
        guard let download = try await beginMirrored(pointer, repo: repo) else { return }
        // The leader finishes once the object is checked and stored, bound to the mirror it was
        // fetched for: this one, or another mirror of the same object.
        try await download.waitUntilFinished()
        try await store.bind(pointer.oid, size: pointer.size, toRepo: repo.rowID)
    }

    /// The leader's side of a fetch: upstream's bytes into the file (hashing them on the way),
    /// then, when size and SHA-256 are the pointer's, into the blob store, bound to the mirror.
    func fetch(_ pointer: LFSPointer, of repo: RepoInfo, from upstream: MirrorUpstream, into download: MirrorDownload) async {
        let result: Result<Void, any Error>
        do {
            guard let handle = FileHandle(forWritingAtPath: download.file.path) else {
                throw HubError.internalFailure("cannot write \(download.file.path)")
            }
            var digest = SHA256()
            var received: Int64 = 0
            do {
                try await upstream.hub.download(repo.id, object: pointer) { body in
                    await download.begin()
                    for try await chunk in body {
                        received += Int64(chunk.readableBytes)
                        guard received <= pointer.size else {
                            throw HubError.upstreamFailed("The upstream hub sent more than the \(pointer.size) bytes of object \(pointer.oid.hex)")
                        }
                        chunk.withUnsafeReadableBytes { digest.update(bufferPointer: $0) }
                        try handle.write(contentsOf: Data(chunk.readableBytesView))
                        await download.advance(by: Int64(chunk.readableBytes))
                    }
                }
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            guard received == pointer.size, digest.finalize().hexString == pointer.oid.hex else {
                throw HubError.upstreamFailed("The upstream hub sent other bytes than object \(pointer.oid.hex)")
            }
            _ = try await blobs.store(ConcatenatedFiles(path: download.file.path), as: pointer.oid, size: pointer.size)
            try await store.bind(pointer.oid, size: pointer.size, toRepo: repo.rowID)
            result = .success(())
        } catch {
            result = .failure(error)
        }
        mirrorDownloads.end(pointer.oid)
        try? FileManager.default.removeItem(at: download.file)
        await download.finish(result)
    }

    /// Streams `range` of an object being fetched, as the file grows; nil when no fetch of it is
    /// running (it is stored, or was never asked for).
    func readMirrored(
        _ oid: LFSObjectID, range: ClosedRange<Int64>?, into consume: (ByteBuffer) async throws -> Void
    ) async throws -> Bool {
        guard let (download, handle) = mirrorDownloads.open(oid) else { return false }
        defer { try? handle.close() }
        var offset = range?.lowerBound ?? 0
        let end = (range?.upperBound ?? download.size - 1) + 1
        while offset < end {
            let available = min(try await download.available(beyond: offset), end)
            guard available > offset else {
                throw HubError.upstreamFailed("The upstream hub's download of \(oid.hex) ended early")
            }
            try handle.seek(toOffset: UInt64(offset))
            while offset < available {
                let data = try handle.read(upToCount: Int(min(1 << 20, available - offset))) ?? Data()
                guard !data.isEmpty else { throw HubError.internalFailure("the mirror file of \(oid.hex) is shorter than written") }
                offset += Int64(data.count)
                try await consume(ByteBuffer(bytes: data))
            }
        }
        return true
    }
}

/// The upstream fetches running in this process, by object.
final class MirrorDownloads: Sendable {
    private let running = Mutex<[LFSObjectID: MirrorDownload]>([:])

    /// The fetch of `pointer`'s object, started now (true) or already running (false).
    func join(_ pointer: LFSPointer, in scratch: ScratchArea) throws -> (MirrorDownload, Bool) {
        try running.withLock { running in
            if let download = running[pointer.oid] { return (download, false) }
            let file = scratch.directory.appendingPathComponent("mirror-\(pointer.oid.hex)-\(UUID().uuidString)")
            guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
                throw HubError.internalFailure("cannot create \(file.path)")
            }
            let download = MirrorDownload(file: file, size: pointer.size)
            running[pointer.oid] = download
            return (download, true)
        }
    }

    /// The running fetch of `oid` with its file opened for reading: opened while the fetch is
    /// listed, so its file is still there (the leader unlists it before removing the file).
    func open(_ oid: LFSObjectID) -> (MirrorDownload, FileHandle)? {
        running.withLock { running in
            guard let download = running[oid], let handle = FileHandle(forReadingAtPath: download.file.path) else { return nil }
            return (download, handle)
        }
    }

    func isRunning(_ oid: LFSObjectID) -> Bool {
        running.withLock { $0[oid] != nil }
    }

    func end(_ oid: LFSObjectID) {
        _ = running.withLock { $0.removeValue(forKey: oid) }
    }
}
