import AsyncHTTPClient
import Crypto
import Foundation
import HubCore
import HubStorage
import NIOCore

/// LFS objects in an S3 bucket: `{prefix}lfs/objects/{oid[0:2]}/{oid[2:4]}/{oid}`, the local
/// store's layout.
///
/// Nothing unverified is ever visible at a content address. An upload streams through the hub,
/// hashed on the way, into an S3 multipart upload of the object's own key, and S3 makes that key
/// appear only when the upload is completed, which the hub does only after size and SHA-256
/// matched; otherwise it aborts the upload and nothing was written. (This gives what a staging key
/// and a copy would, without copying the object a second time inside S3.) The parts of the hub's
/// own multipart transfer wait under `{prefix}lfs/incoming/{upload}/` and are re-read and hashed
/// when the upload is completed, as the local store does.
public struct S3BlobStore: BlobStore {
    let client: S3Client
    let prefix: String
    /// When set, downloads are answered with a presigned URL valid this many seconds.
    let presignedDownloadLifetime: Int?
    /// The smallest part of the multipart uploads the hub makes (S3 accepts 5 MiB and more,
    /// except for a last part, and at most 10,000 parts).
    static let minimumPartSize: Int64 = 8 << 20
    /// Parts of one upload sent to S3 at once while the next one fills from the client.
    static let partsInFlight = 3
    /// How long a presigned download URL stays valid: a client follows it at once (a download
    /// that started may run past it; S3 checks the signature when the request arrives).
    public static let presignedURLLifetime = 3600

    public init(client: S3Client, prefix: String = "", presignedDownloadLifetime: Int? = presignedURLLifetime) {
        self.client = client
        self.prefix = prefix
        self.presignedDownloadLifetime = presignedDownloadLifetime
    }

    func key(of oid: LFSObjectID) -> String {
        let hex = oid.hex
        return "\(prefix)lfs/objects/\(hex.prefix(2))/\(hex.dropFirst(2).prefix(2))/\(hex)"
    }

    func incomingPrefix(_ upload: String) -> String {
        "\(prefix)lfs/incoming/\(upload)/"
    }

    /// Parts big enough that the largest object fits in S3's 10,000 parts, in whole MiB.
    static func partSize(for size: Int64) -> Int64 {
        let needed = (size + 9_999) / 10_000
        let mebibyte: Int64 = 1 << 20
        return max(minimumPartSize, (needed + mebibyte - 1) / mebibyte * mebibyte)
    }

    public func size(of oid: LFSObjectID) async throws -> Int64? {
        try await client.size(of: key(of: oid))
    }

    public func localPath(of oid: LFSObjectID) -> String? { nil }

    public func downloadURL(of oid: LFSObjectID, fileName: String?) -> String? {
        guard let lifetime = presignedDownloadLifetime else { return nil }
        // S3 answers with the Content-Disposition a signed `response-content-disposition` asks
        // for, so a browser saves the file under its name, not under its hash.
        let disposition = fileName.map { "attachment; filename*=UTF-8''\(SigV4Signer.encode($0))" }
        return client.presignedGetURL(key(of: oid), expires: lifetime, contentDisposition: disposition)
    }

    public func read(
        _ oid: LFSObjectID, range: ClosedRange<Int64>?, into consume: (ByteBuffer) async throws -> Void
    ) async throws {
        try await client.read(key(of: oid), range: range, into: consume)
    }

    public func remove(_ oid: LFSObjectID) async throws {
        try await client.delete(key(of: oid))
    }

    // MARK: Uploads

    public func store<Body: AsyncSequence & Sendable>(_ body: Body, as oid: LFSObjectID, size: Int64) async throws -> BlobStoreOutcome
    where Body.Element == ByteBuffer {
        let key = key(of: oid)
        var hasher = SHA256()
        var received: Int64 = 0
        func take(_ buffer: ByteBuffer) throws {
            guard received + Int64(buffer.readableBytes) <= size else {
                throw BlobMismatch("more than the expected \(size) bytes were sent")
            }
            received += Int64(buffer.readableBytes)
            buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
        }
        func verify() throws {
            guard received == size else { throw BlobMismatch("\(received) bytes were sent, the object has \(size)") }
            let digest = hasher.finalize().hexString
            guard digest == oid.hex else { throw BlobMismatch("the content's SHA-256 is \(digest), not \(oid.hex)") }
        }

        if try await client.size(of: key) != nil {
            // Already stored: the bytes are still read and checked (proof of possession), not written.
            for try await buffer in body { try take(buffer) }
            try verify()
            return .alreadyStored
        }
        let partSize = Self.partSize(for: size)
        if size <= partSize {
            var whole = ByteBuffer()
            whole.reserveCapacity(Int(size))
            for try await buffer in body {
                try take(buffer)
                whole.writeImmutableBuffer(buffer)
            }
            try verify()
            try await client.put(key, body: .bytes(whole), length: Int64(whole.readableBytes))
            return .stored
        }

        let uploadID = try await client.createMultipartUpload(key)
        // Parts go out while the next ones fill: at most `partsInFlight` + 1 parts in memory.
        var sending: [(number: Int, task: Task<String, any Error>)] = []
        do {
            var etags: [(number: Int, etag: String)] = []
            var part = ByteBuffer()
            part.reserveCapacity(Int(partSize))
            func send(_ full: ByteBuffer) async throws {
                if sending.count == Self.partsInFlight {
                    let oldest = sending.removeFirst()
                    etags.append((oldest.number, try await oldest.task.value))
                }
                let number = etags.count + sending.count + 1
                let client = self.client
                sending.append((number, Task {
                    try await client.uploadPart(
                        key, uploadID: uploadID, number: number, body: .bytes(full), length: Int64(full.readableBytes))
                }))
            }
            for try await buffer in body {
                try take(buffer)
                var rest = buffer
                while rest.readableBytes > 0 {
                    let room = Int(partSize) - part.readableBytes
                    guard let slice = rest.readSlice(length: min(room, rest.readableBytes)) else { break }
                    part.writeImmutableBuffer(slice)
                    if part.readableBytes == Int(partSize) {
                        try await send(part)
                        part = ByteBuffer()
                        part.reserveCapacity(Int(partSize))
                    }
                }
            }
            try verify()
            if part.readableBytes > 0 { try await send(part) }
            while !sending.isEmpty {
                let oldest = sending.removeFirst()
                etags.append((oldest.number, try await oldest.task.value))
            }
            try await client.completeMultipartUpload(key, uploadID: uploadID, parts: etags)
            return .stored
        } catch {
            for pending in sending { pending.task.cancel() }
            for pending in sending { _ = try? await pending.task.value }
            try? await client.abortMultipartUpload(key, uploadID: uploadID)
            throw error
        }
    }

    // MARK: The hub's multipart transfer

    /// A part is stored as `{n}` with an empty marker `{n}.{sha256}` written after it: the
    /// marker records the part's ETag, and a part without one is not complete.
    public func storePart<Body: AsyncSequence & Sendable>(_ body: Body, upload: String, number: Int, maxSize: Int64) async throws -> String
    where Body.Element == ByteBuffer {
        let folder = incomingPrefix(upload)
        for stale in try await client.listAll(prefix: "\(folder)\(number).") {
            try await client.delete(stale.key)
        }
        let digest = StreamDigest()
        let sequence = DigestingSequence(base: body, digest: digest, expected: maxSize, exact: true)
        do {
            try await client.put("\(folder)\(number)", body: .stream(sequence, length: .known(maxSize)), length: maxSize)
        } catch {
            throw digest.failure ?? error
        }
        let sha = digest.finish()
        try await client.put("\(folder)\(number).\(sha)", body: .bytes(ByteBuffer()), length: 0)
        return sha
    }

    public func parts(of upload: String) async throws -> [Int: (sha256: String, size: Int64)] {
        let folder = incomingPrefix(upload)
        var sizes: [Int: Int64] = [:]
        var hashes: [Int: String] = [:]
        for object in try await client.listAll(prefix: folder) {
            let name = object.key.dropFirst(folder.count)
            let pieces = name.split(separator: ".")
            guard let number = pieces.first.flatMap({ Int($0) }) else { continue }
            if pieces.count == 1 { sizes[number] = object.size }
            if pieces.count == 2 { hashes[number] = String(pieces[1]) }
        }
        var parts: [Int: (sha256: String, size: Int64)] = [:]
        for (number, sha) in hashes {
            if let size = sizes[number] { parts[number] = (sha, size) }
        }
        return parts
    }

    public func completeParts(of upload: String, count: Int, as oid: LFSObjectID, size: Int64) async throws -> BlobStoreOutcome {
        let stored = try await parts(of: upload)
        let folder = incomingPrefix(upload)
        var lengths: [Int64] = []
        for number in 1...max(count, 1) {
            guard let part = stored[number] else { throw BlobMismatch("part \(number) was never uploaded") }
            lengths.append(part.size)
        }
        let total = lengths.reduce(0, +)
        guard total == size else { throw BlobMismatch("the parts hold \(total) bytes, the object has \(size)") }
        let key = key(of: oid)
        let digest = StreamDigest()
        func checkDigest() throws {
            let sha = digest.finish()
            guard digest.byteCount == size else {
                throw BlobMismatch("the parts hold \(digest.byteCount) bytes, the object has \(size)")
            }
            guard sha == oid.hex else { throw BlobMismatch("the parts' SHA-256 is \(sha), not \(oid.hex)") }
        }

        let outcome: BlobStoreOutcome
        if try await client.size(of: key) != nil {
            for number in 1...lengths.count {
                try await client.read("\(folder)\(number)", range: nil) { digest.update($0) }
            }
            try checkDigest()
            outcome = .alreadyStored
        } else {
            // The incoming parts go into the object's own multipart upload, hashed on the way,
            // consecutive ones joined until a part is big enough for S3 (the hub's parts may be
            // smaller than S3's 5 MiB minimum); the object appears only if the whole matched.
            let uploadID = try await client.createMultipartUpload(key)
            do {
                var etags: [(number: Int, etag: String)] = []
                for group in Self.groups(of: lengths, atLeast: Self.minimumPartSize) {
                    let keys = group.map { "\(folder)\($0 + 1)" }
                    let length = group.reduce(Int64(0)) { $0 + lengths[$1] }
                    let source = ConcatenatedObjects(client: client, keys: keys)
                    let sequence = DigestingSequence(base: source, digest: digest, expected: length, exact: true)
                    do {
                        let etag = try await client.uploadPart(
                            key, uploadID: uploadID, number: etags.count + 1,
                            body: .stream(sequence, length: .known(length)), length: length)
                        etags.append((etags.count + 1, etag))
                    } catch {
                        throw digest.failure ?? error
                    }
                }
                try checkDigest()
                try await client.completeMultipartUpload(key, uploadID: uploadID, parts: etags)
                outcome = .stored
            } catch {
                try? await client.abortMultipartUpload(key, uploadID: uploadID)
                throw error
            }
        }
        for object in (try? await client.listAll(prefix: folder)) ?? [] {
            try? await client.delete(object.key)
        }
        return outcome
    }

    /// Consecutive indexes of `lengths`, grouped so that each group but the last holds at least
    /// `minimum` bytes.
    static func groups(of lengths: [Int64], atLeast minimum: Int64) -> [[Int]] {
        var groups: [[Int]] = []
        var current: [Int] = []
        var size: Int64 = 0
        for (index, length) in lengths.enumerated() {
            current.append(index)
            size += length
            if size >= minimum {
                groups.append(current)
                current = []
                size = 0
            }
        }
        if !current.isEmpty { groups.append(current) }
        return groups
    }

    public func sweepAbandonedParts(olderThan age: TimeInterval) async throws {
        let cutoff = Date().addingTimeInterval(-age)
        for object in try await client.listAll(prefix: "\(prefix)lfs/incoming/") {
            if let modified = object.lastModified, modified < cutoff {
                try await client.delete(object.key)
            }
        }
        // Uploads of instances killed mid-transfer: never completed, so never visible.
        for upload in try await client.multipartUploads(prefix: "\(prefix)lfs/objects/") {
            if let initiated = upload.initiated, initiated < cutoff {
                try await client.abortMultipartUpload(upload.key, uploadID: upload.uploadID)
            }
        }
    }
}
