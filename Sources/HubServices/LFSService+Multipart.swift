import Foundation
import HubCore
import HubIndex
import HubStorage
import NIOCore

/// The public hub's multipart transfer: the object is sent in parts, each to its own signed
/// URL (so a broken connection costs one part), then joined by one completion request.
extension LFSService {
    /// Stores part `number` and returns its ETag (the part's SHA-256).
    public func uploadPart<Body: AsyncSequence & Sendable>(
        repo id: RepoID, oid text: String, number: Int, grant token: String?, body: Body
    ) async throws -> String where Body.Element == ByteBuffer {
        let (oid, grant) = try uploadGrant(token, repo: id, oid: text)
        let partCount = Int((grant.size + multipartChunkSize - 1) / multipartChunkSize)
        guard (1...max(partCount, 1)).contains(number) else {
            throw HubError.badRequest("Part \(number) does not exist: this object has \(partCount) parts")
        }
        let expected = number < partCount ? multipartChunkSize : grant.size - multipartChunkSize * Int64(partCount - 1)
        if number == 1 {
            guard let repo = try await repos.store.find(id) else { throw HubError.repoNotFound }
            try await admitUpload(of: oid, size: grant.size, to: repo)
        }
        do {
            return try await blobs.storePart(body, upload: Self.uploadName(oid: oid, grant: grant), number: number, maxSize: expected)
        } catch let mismatch as BlobMismatch {
            throw HubError.badRequest("Part \(number) is too large: \(mismatch.description)")
        }
    }

    /// Joins the parts listed by the client (their ETags must be the stored parts'), checks the
    /// object's size and SHA-256, and binds it to the repository.
    public func completeMultipart(
        repo id: RepoID, oid text: String, grant token: String?, parts: [(number: Int, etag: String)]
    ) async throws {
        let (oid, grant) = try uploadGrant(token, repo: id, oid: text)
        guard let repo = try await repos.store.find(id) else { throw HubError.repoNotFound }
        let upload = Self.uploadName(oid: oid, grant: grant)
        let partCount = Int((grant.size + multipartChunkSize - 1) / multipartChunkSize)
        let stored = try await blobs.parts(of: upload)
        let listed = parts.sorted { $0.number < $1.number }
        guard listed.map(\.number) == Array(1...max(partCount, 1)) else {
            throw HubError.badRequest("The completion must list parts 1 to \(partCount)")
        }
        for part in listed {
            let etag = part.etag.trimmingCharacters(in: CharacterSet(charactersIn: "\"W/"))
            guard let storedPart = stored[part.number], storedPart.sha256 == etag else {
                throw HubError.badRequest("Part \(part.number) was not uploaded, or its ETag does not match")
            }
            let expected = part.number < partCount ? multipartChunkSize : grant.size - multipartChunkSize * Int64(partCount - 1)
            guard storedPart.size == expected else {
                throw HubError.badRequest("Part \(part.number) has \(storedPart.size) bytes, not \(expected)")
            }
        }
        try await admitUpload(of: oid, size: grant.size, to: repo)
        do {
            _ = try await blobs.completeParts(of: upload, count: partCount, as: oid, size: grant.size)
        } catch let mismatch as BlobMismatch {
            throw HubError.badRequest("The joined parts are not object \(oid.hex): \(mismatch.description)")
        }
        try await store.bind(oid, size: grant.size, toRepo: repo.rowID)
    }

    /// Clears parts of uploads abandoned for a day (their grants lasted an hour). Run at start.
    public func sweepAbandonedUploads() async throws {
        try await blobs.sweepAbandonedParts(olderThan: 24 * 3600)
    }

    func uploadGrant(_ token: String?, repo id: RepoID, oid text: String) throws -> (LFSObjectID, TransferGrant) {
        let oid = try LFSObjectID(text)
        guard let token, let grant = signer.verify(token), grant.allows(.upload, on: id, oid: oid, now: Date()) else {
            throw HubError.forbidden("This upload URL is not valid for this object, or it has expired")
        }
        return (oid, grant)
    }

    /// One folder of parts per grant: two uploaders of the same object never mix their parts.
    static func uploadName(oid: LFSObjectID, grant: TransferGrant) -> String {
        "\(oid.hex)-\(grant.userID)-\(grant.expires)"
    }
}
