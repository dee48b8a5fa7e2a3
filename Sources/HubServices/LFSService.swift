import Crypto
import Foundation
import HubCore
import HubIndex
import HubStorage
import NIOCore
import XetCore

/// One object of a batch request, as the client sent it (validated here, not by the decoder,
/// so that a bad object gets its own error instead of failing the whole request).
public struct LFSObjectRequest: Sendable, Decodable {
    public let oid: String
    public let size: Int64

    public init(oid: String, size: Int64) {
        self.oid = oid
        self.size = size
    }
}

/// What the batch API answers for one object.
public enum LFSBatchResult: Sendable {
    /// Send the bytes with the upload grant, then confirm with the verify grant.
    case upload(oid: LFSObjectID, size: Int64, uploadGrant: String, verifyGrant: String)
    /// Send the bytes in `partCount` parts of `chunkSize` (the last one shorter), each to its own
    /// URL, then complete with one request; all authorised by the upload grant.
    case multipartUpload(oid: LFSObjectID, size: Int64, chunkSize: Int64, partCount: Int, uploadGrant: String, verifyGrant: String)
    /// Fetch the bytes with the grant, or straight from `directURL` (a presigned URL of the
    /// blob store) when there is one.
    case download(oid: LFSObjectID, size: Int64, grant: String, directURL: String?)
    /// Already stored for this repository: nothing to transfer.
    case present(oid: LFSObjectID, size: Int64)
    /// A per-object error, with the git-lfs spec's code (404, 409, 422).
    case failure(oid: String, size: Int64, code: Int, message: String)
}

/// Where an LFS object's bytes are.
public enum LFSObjectLocation: Sendable, Equatable {
    case blob
    /// Uploaded through Xet: rebuilt from xorbs, and advertised to Xet clients by this hash.
    case xet(MerkleHash)
}

public enum LFSOperation: String, Sendable {
    case upload, download
}

/// The Git LFS server: batch negotiation, signed transfers into the content-addressed blob store,
/// per-repository binding of objects, and file locks.
public struct LFSService: Sendable {
    let repos: RepoService
    /// Who may upload for a pull request.
    let discussions: DiscussionService
    let store: any LFSStore
    let blobs: any BlobStore
    /// Files uploaded through Xet are LFS objects too: their bytes are rebuilt from xorbs.
    let xet: XetService
    let signer: TransferSigner
    let maxObjectSize: Int64
    /// Objects larger than this are uploaded in parts of this size, when the client offers the
    /// `multipart` transfer (huggingface_hub does).
    let multipartChunkSize: Int64
    /// How long the URLs of a batch answer stay valid.
    public let grantLifetime: TimeInterval = 3600
    /// Where mirrored objects are written while they arrive from upstream.
    let scratch: ScratchArea
    /// One upstream download per mirrored object at a time (`LFSService+Mirror.swift`).
    let mirrorDownloads = MirrorDownloads()

    // MARK: Batch

    /// `ref`: the ref an upload is for, when the client names one (git-lfs always; huggingface_hub
    /// except for a commit that opens a pull request): a branch needs write access, a pull request
    /// (`refs/pr/N`) leave to push to it, and no ref at all leave to take part.
    public func batch(
        _ operation: LFSOperation, objects: [LFSObjectRequest], hashAlgorithm: String?, multipartOffered: Bool = false,
        ref: String? = nil, on grant: RepoGrant
    ) async throws -> [LFSBatchResult] {
        if operation == .upload {
            try await discussions.requireWrite(grant, revision: ref, creatingPullRequest: ref == nil)
        } else {
            try await repos.requireFiles(grant)
        }
        let repo = grant.repo
        let caller = grant.caller
        var results: [LFSBatchResult?] = Array(repeating: nil, count: objects.count)
        var valid: [(index: Int, oid: LFSObjectID, size: Int64)] = []
        for (index, object) in objects.enumerated() {
            if let hashAlgorithm, hashAlgorithm != "sha256" {
                results[index] = .failure(
                    oid: object.oid, size: object.size, code: 409,
                    message: "Unsupported hash algorithm '\(HubName.printable(hashAlgorithm))': only sha256")
            } else if !LFSObjectID.isValid(object.oid) {
                results[index] = .failure(
                    oid: object.oid, size: object.size, code: 422,
                    message: "Invalid object id: expected 64 lowercase hex characters")
            } else if object.size < 0 {
                results[index] = .failure(oid: object.oid, size: object.size, code: 422, message: "Invalid size: it cannot be negative")
            } else if operation == .upload && object.size > maxObjectSize {
                results[index] = .failure(
                    oid: object.oid, size: object.size, code: 422,
                    message: "Object is larger than the maximum of \(maxObjectSize) bytes")
            } else {
                valid.append((index, try LFSObjectID(object.oid), object.size))
            }
        }
        var bound = try await store.boundObjects(valid.map(\.oid), repo: repo.rowID)
        if operation == .download, repo.mirror != nil {
            // A mirror's objects never downloaded here are fetched from upstream first: the
            // answer says where the bytes are, so they must be here.
            for object in valid where bound[object.oid] == nil {
                let pointer = LFSPointer(oid: object.oid, size: object.size)
                if (try? await fetchMirrored(pointer, repo: repo)) != nil { bound[object.oid] = object.size }
            }
        }
        if operation == .upload {
            // The whole batch is refused when its new objects would not fit the namespace's quota:
            // nothing is sent for nothing.
            try await repos.admitStorage(toNamespace: repo.id.namespace) {
                var newObjects: [LFSObjectID: Int64] = [:]
                for object in valid where bound[object.oid] == nil { newObjects[object.oid] = object.size }
                return newObjects.values.reduce(0, +)
            }
        }
        let expires = Date().addingTimeInterval(grantLifetime)
        let userID = caller?.user.id ?? 0
        for object in valid {
            let grant = { (operation: TransferGrant.Operation) in
                signer.sign(TransferGrant(
                    operation: operation, repo: repo.id, oid: object.oid, size: object.size, expires: expires, userID: userID))
            }
            let found = try await stored(object.oid)
            let stored = found?.size
            switch operation {
            case .download:
                if bound[object.oid] == object.size, let found, found.size == object.size {
                    let directURL = directDownloadURL(of: object.oid, at: found.location, fileName: nil)
                    results[object.index] = .download(
                        oid: object.oid, size: object.size, grant: grant(.download), directURL: directURL)
                } else {
                    results[object.index] = .failure(
                        oid: object.oid.hex, size: object.size, code: 404, message: "Object does not exist")
                }
            case .upload:
                if let boundSize = bound[object.oid], boundSize != object.size {
                    results[object.index] = .failure(
                        oid: object.oid.hex, size: object.size, code: 422,
                        message: "This object is stored with size \(boundSize), not \(object.size)")
                } else if bound[object.oid] != nil, stored == object.size {
                    results[object.index] = .present(oid: object.oid, size: object.size)
                } else if stored == object.size, try await callerCanReadElsewhere(object.oid, caller: caller) {
                    // The uploader can already read these bytes: no need to prove possession.
                    try await store.bind(object.oid, size: object.size, toRepo: repo.rowID)
                    results[object.index] = .present(oid: object.oid, size: object.size)
                } else if multipartOffered, object.size > multipartChunkSize {
                    let parts = Int((object.size + multipartChunkSize - 1) / multipartChunkSize)
                    results[object.index] = .multipartUpload(
                        oid: object.oid, size: object.size, chunkSize: multipartChunkSize, partCount: parts,
                        uploadGrant: grant(.upload), verifyGrant: grant(.verify))
                } else {
                    results[object.index] = .upload(
                        oid: object.oid, size: object.size, uploadGrant: grant(.upload), verifyGrant: grant(.verify))
                }
            }
        }
        return results.map { $0! }
    }

    // MARK: Transfers

    /// Stores an upload sent to a signed URL, then binds the object to the repository.
    public func upload<Body: AsyncSequence & Sendable>(
        repo id: RepoID, oid text: String, grant token: String?, declaredLength: Int64?, body: Body
    ) async throws where Body.Element == ByteBuffer {
        let (oid, grant) = try uploadGrant(token, repo: id, oid: text)
        guard let repo = try await repos.store.find(id) else { throw HubError.repoNotFound }
        if let declaredLength, declaredLength != grant.size {
            throw HubError.badRequest("Content-Length \(declaredLength) does not match the object size \(grant.size)")
        }
        try await admitUpload(of: oid, size: grant.size, to: repo)
        do {
            _ = try await blobs.store(body, as: oid, size: grant.size)
        } catch let mismatch as BlobMismatch {
            throw HubError.badRequest("The uploaded bytes are not object \(oid.hex): \(mismatch.description)")
        }
        try await store.bind(oid, size: grant.size, toRepo: repo.rowID)
    }

    /// The size and location of an object the caller may download (a download grant, or read
    /// access to the repository).
    public func downloadable(
        repo id: RepoID, oid text: String, grant token: String?, caller: Caller?
    ) async throws -> (oid: LFSObjectID, size: Int64, location: LFSObjectLocation) {
        let oid = try LFSObjectID(text)
        let repo: RepoInfo
        if let token, let grant = signer.verify(token), grant.allows(.download, on: id, oid: oid, now: Date()),
            let found = try await repos.store.find(id)
        {
            repo = found
        } else {
            let grant = try await grantOrChallenge(id, caller: caller)
            try await repos.requireFiles(grant)
            repo = grant.repo
        }
        guard let size = try await store.boundObjects([oid], repo: repo.rowID)[oid],
            let stored = try await stored(oid), stored.size == size
        else {
            throw HubError.entryNotFound(oid.hex)
        }
        return (oid, size, stored.location)
    }

    /// Streams a stored object (after `downloadable` said the caller may have it): from the
    /// blob store, or rebuilt from its xorbs when it was uploaded through Xet.
    public func read(_ oid: LFSObjectID, range: ClosedRange<Int64>?, into consume: (ByteBuffer) async throws -> Void) async throws {
        if try await readMirrored(oid, range: range, into: consume) { return }
        if try await blobs.size(of: oid) == nil, let file = try await xet.file(sha256: oid) {
            try await xet.read(file, range: range, into: consume)
            return
        }
        try await blobs.read(oid, range: range, into: consume)
    }

    /// The file that holds `oid`'s bytes when the blob store keeps it on a local filesystem; there
    /// may be none there (a Xet file is reassembled from its chunks by `read`).
    public func localPath(of oid: LFSObjectID) -> String? {
        // A mirrored object still arriving is read as it grows (`read`), not from the store.
        mirrorDownloads.isRunning(oid) ? nil : blobs.localPath(of: oid)
    }

    /// The size of an object's stored bytes: in the blob store, or as a Xet file.
    func storedSize(of oid: LFSObjectID) async throws -> Int64? {
        try await stored(oid)?.size
    }

    /// The size of an object's stored bytes and where they are: in the blob store, or as a Xet
    /// file (reassembled from xorbs).
    func stored(_ oid: LFSObjectID) async throws -> (size: Int64, location: LFSObjectLocation)? {
        if let size = try await blobs.size(of: oid) { return (size, .blob) }
        return try await xet.file(sha256: oid).map { ($0.size, .xet($0.hash)) }
    }

    /// Where a client may fetch an object stored at `location` itself (a short-lived presigned URL
    /// of the blob store, which names the file `fileName` when it is saved), when the blob store
    /// holds it and hands out such URLs; nil when the hub serves the bytes itself.
    public func directDownloadURL(of oid: LFSObjectID, at location: LFSObjectLocation, fileName: String?) -> String? {
        guard location == .blob else { return nil }
        return blobs.downloadURL(of: oid, fileName: fileName)
    }

    /// Confirms an upload: the object is stored, bound to the repository, with this size.
    public func verify(repo id: RepoID, oid text: String, size: Int64, grant token: String?, caller: Caller?) async throws {
        let oid = try LFSObjectID(text)
        let repo: RepoInfo
        if let token, let grant = signer.verify(token), grant.allows(.verify, on: id, oid: oid, now: Date()),
            let found = try await repos.store.find(id)
        {
            repo = found
        } else {
            repo = try await repos.writable(id, caller: caller)
        }
        guard try await store.boundObjects([oid], repo: repo.rowID)[oid] == size, try await storedSize(of: oid) == size
        else {
            throw HubError.entryNotFound(oid.hex)
        }
    }

    /// The size of `oid` if it is stored for this repository (uploaded to it, or bound to it as a
    /// copy), else nil: only such objects may be committed to it.
    public func boundSize(of oid: LFSObjectID, repoRowID: Int64) async throws -> Int64? {
        try await store.boundObjects([oid], repo: repoRowID)[oid]
    }

    /// Stores bytes received whole (the web UI's upload form) as an LFS object of this
    /// repository: sending the bytes proves possession, so the object is bound to it.
    public func storeWhole(_ contents: [UInt8], repo: RepoInfo) async throws -> LFSPointer {
        let oid = try LFSObjectID(SHA256.hash(data: contents).hexString)
        let size = Int64(contents.count)
        try await admitUpload(of: oid, size: size, to: repo)
        let body = AsyncStream<ByteBuffer> { continuation in
            continuation.yield(ByteBuffer(bytes: contents))
            continuation.finish()
        }
        _ = try await blobs.store(body, as: oid, size: size)
        try await store.bind(oid, size: size, toRepo: repo.rowID)
        return LFSPointer(oid: oid, size: size)
    }

    /// Refuses an upload of `oid` to `repo` that its namespace's storage quota has no room for
    /// (an object the repository already holds adds nothing). Checked again when the bytes come,
    /// since a batch's answer is checked against what was stored before any of its uploads.
    func admitUpload(of oid: LFSObjectID, size: Int64, to repo: RepoInfo) async throws {
        try await repos.admitStorage(toNamespace: repo.id.namespace) {
            try await store.boundObjects([oid], repo: repo.rowID)[oid] == nil ? size : 0
        }
    }

    /// Where the object a pointer names is stored, if it is stored for this repository with the
    /// pointer's size: in the blob store, or as a Xet file (whose hash Xet clients download by).
    public func locate(_ pointer: LFSPointer, repoRowID: Int64) async throws -> LFSObjectLocation? {
        guard try await store.boundObjects([pointer.oid], repo: repoRowID)[pointer.oid] == pointer.size,
            let found = try await stored(pointer.oid), found.size == pointer.size
        else { return nil }
        return found.location
    }

    /// `locate` for many pointers: the ones whose objects are stored for this repository.
    public func locations(_ pointers: [LFSPointer], repoRowID: Int64) async throws -> [LFSPointer: LFSObjectLocation] {
        let bound = try await store.boundObjects(pointers.map(\.oid), repo: repoRowID)
        var found: [LFSPointer: LFSObjectLocation] = [:]
        for pointer in pointers where bound[pointer.oid] == pointer.size {
            if let stored = try await stored(pointer.oid), stored.size == pointer.size { found[pointer] = stored.location }
        }
        return found
    }

    /// The pointers whose objects are not stored for this repository (the push policy refuses them).
    public func missingObjects(_ pointers: [LFSPointer], repoRowID: Int64) async throws -> [LFSPointer] {
        let bound = try await store.boundObjects(pointers.map(\.oid), repo: repoRowID)
        var missing: [LFSPointer] = []
        for pointer in pointers {
            if bound[pointer.oid] != pointer.size {
                missing.append(pointer)
            } else if try await storedSize(of: pointer.oid) != pointer.size {
                missing.append(pointer)
            }
        }
        return missing
    }

    // MARK: Access

    /// Read access for a download without a signed URL; without credentials a hidden or missing
    /// repository asks for them (git-lfs then tries its credential helper), as the LFS routes do.
    private func grantOrChallenge(_ id: RepoID, caller: Caller?) async throws -> RepoGrant {
        do {
            return try await repos.grant(id, caller: caller)
        } catch HubError.repoNotFound where caller == nil {
            throw HubError.authenticationRequired
        }
    }

    private func callerCanReadElsewhere(_ oid: LFSObjectID, caller: Caller?) async throws -> Bool {
        try await store.repos(containing: oid).contains { AccessPolicy.access(to: $0, caller: caller) >= .read }
    }

    /// Asks the blob store for an object that is never stored: an answer, even "no such
    /// object", shows it reachable and the credentials accepted.
    func checkBlobStore() async throws {
        _ = try await blobs.size(of: try LFSObjectID(String(repeating: "0", count: 64)))
    }
}
