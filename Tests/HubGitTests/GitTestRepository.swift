import Foundation
import HubCore
import HubGit
import HubTesting
import Testing

/// A repository as `RepositoryStorage` creates it (one commit on `main` with a `.gitattributes`
/// sending `*.bin` to LFS), in a temporary folder, with helpers to write blobs and commits.
struct GitTestRepository {
    let directory: TemporaryDirectory
    let repository: GitRepository
    /// Where it is on disk.
    let location: URL
    /// The first commit.
    let root: String
    let author = GitSignature(name: "alice", email: "alice@example.com", date: Date(timeIntervalSince1970: 1_700_000_000))

    init() throws {
        directory = try TemporaryDirectory()
        let storage = RepositoryStorage(dataDirectory: directory.url, temporaryDirectory: directory.url.appendingPathComponent("tmp"))
        let prepared = try storage.prepare(
            files: [(".gitattributes", Array("*.bin filter=lfs\n".utf8))], message: "initial commit", author: author,
            branch: "main")
        repository = try GitRepository.open(at: prepared.location)
        location = prepared.location
        root = prepared.commit
    }

    func blob(_ text: String) throws -> String {
        try Array(text.utf8).withUnsafeBytes { try repository.writeBlob($0) }
    }

    /// A commit of `changes` on `parent`; no ref moves.
    func commit(_ changes: [GitTreeChange], on parent: String) throws -> String {
        try #require(try repository.createCommit(parent: parent, changes: changes, message: "m", author: author)).commit
    }
}
