import Crypto
import Foundation
import HubCore
import HubGit
import NIOCore

extension CommitSession {
    /// Files uploaded whole (the web UI's upload form), stored the way huggingface_hub would
    /// store them after `preupload`: each as a Git LFS object when `.gitattributes` routes its
    /// path to LFS, when it is binary, or when it exceeds the git file limit; as a regular file
    /// otherwise. `.gitattributes` is read once, at the branch's head.
    /// Sending the bytes proves possession, so each object is bound to this repository.
    public func addUploadedFiles(_ files: [(path: String, contents: [UInt8])]) async throws {
        let attributes = PathPatterns.lfsAttributes(try CommitService.text(of: ".gitattributes", in: git, commit: try parentCommit()) ?? "")
        for (path, contents) in files {
            // The client's sample is its first 512 bytes.
            if service.usesLFS(path: path, size: Int64(contents.count), sample: contents.prefix(512), attributes: attributes) {
                try await addLFSObject(path: path, contents: contents)
            } else {
                try addFile(path: path, contents: contents)
            }
        }
    }

    private func addLFSObject(path: String, contents: [UInt8]) async throws {
        let oid = try LFSObjectID(SHA256.hash(data: contents).hexString)
        let size = Int64(contents.count)
        let body = AsyncStream<ByteBuffer> { continuation in
            continuation.yield(ByteBuffer(bytes: contents))
            continuation.finish()
        }
        _ = try await service.lfs.blobs.store(body, as: oid, size: size)
        try await service.lfs.store.bind(oid, size: size, toRepo: repo.rowID)
        try await addLFSFile(path: path, oid: oid.hex, size: size)
    }

    /// The commit the branch points at now (the base of this commit).
    func parentCommit() throws -> String {
        guard let head = try git.commit(atRef: ref)?.id else { throw HubError.revisionNotFound(revision) }
        return head
    }
}
