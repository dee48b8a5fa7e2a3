import Foundation
import HubCore
import HubGit

extension CommitSession {
    /// Files uploaded whole (the web UI's upload form), stored the way huggingface_hub would
    /// store them after `preupload`: each as a Git LFS object when `.gitattributes` routes its
    /// path to LFS, when it is binary, or when it exceeds the git file limit; as a regular file
    /// otherwise. `.gitattributes` is read once, at the branch's head.
    /// Sending the bytes proves possession, so each object is bound to this repository.
    public func addUploadedFiles(_ files: [(path: String, contents: [UInt8])]) async throws {
        let attributes = PathPatterns.lfsAttributes(try git.text(at: ".gitattributes", inCommit: try parentCommit()) ?? "")
        for (path, contents) in files {
            // The client's sample is its first 512 bytes.
            if routing.usesLFS(path: path, size: Int64(contents.count), sample: contents.prefix(512), attributes: attributes) {
                try await addLFSObject(path: path, contents: contents)
            } else {
                try addFile(path: path, contents: contents)
            }
        }
    }

    private func addLFSObject(path: String, contents: [UInt8]) async throws {
        let pointer = try await lfs.storeWhole(contents, repo: repo)
        try await addLFSFile(path: path, oid: pointer.oid.hex, size: pointer.size)
    }

    /// The commit the branch points at now (the base of this commit).
    func parentCommit() throws -> String {
        guard let head = try git.commit(atRef: ref)?.id else { throw HubError.revisionNotFound(revision) }
        return head
    }
}
