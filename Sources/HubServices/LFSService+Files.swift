import Foundation
import HubCore
import HubGit
import HubIndex

/// One LFS object of a repository, as `list_lfs_files` shows it.
public struct LFSFileListing: Sendable, Equatable {
    public let oid: LFSObjectID
    public let size: Int64
    /// When the object was bound to the repository (uploaded to it, or pushed).
    public let pushedAt: Date
    /// A path that points to it, and the ref it was found under; nil when no commit of any ref
    /// points to it any more (uploaded but never committed, or deleted from history).
    public let reference: LFSReference?
}

/// The storage view of a repository: `list_lfs_files` and `permanently_delete_lfs_files`
/// (`/api/{type}s/{id}/lfs-files` and `…/lfs-files/batch` in huggingface_hub's `hf_api.py`).
extension LFSService {
    /// Every LFS object bound to the repository, newest first, with where it is referenced.
    public func files(_ grant: RepoGrant) async throws -> [LFSFileListing] {
        let repo = grant.repo
        let git = try GitRepository.open(at: repos.location(of: repo))
        let references = try git.lfsReferences(from: Self.searchOrder(of: try git.refs().map(\.name)))
        return try await store.boundObjects(repo: repo.rowID).map { object in
            LFSFileListing(oid: object.oid, size: object.size, pushedAt: object.boundAt, reference: references[object.oid])
        }
    }

    /// Deletes LFS objects from the repository for good. With `rewriteHistory`, every ref's
    /// history is written again without the files that point to them (all refs move together,
    /// or none does), so no commit points to missing content; the objects are then unbound, and
    /// their bytes deleted unless another repository is bound to them. Needs write access.
    public func permanentlyDelete(_ grant: RepoGrant, oids texts: [String], rewriteHistory: Bool) async throws {
        try grant.require(.write)
        let repo = grant.repo
        var oids: [LFSObjectID] = []
        for text in texts {
            guard let oid = try? LFSObjectID(text.lowercased()) else {
                throw HubError.badRequest("Invalid LFS file id '\(HubName.printable(text))': expected a SHA-256 (64 hex)")
            }
            oids.append(oid)
        }
        let bound = Set(try await store.boundObjects(oids, repo: repo.rowID).keys)
        guard !bound.isEmpty else { return }
        if rewriteHistory {
            let git = try GitRepository.open(at: repos.location(of: repo))
            let changed = try git.rewriteHistory(of: try git.refs().map(\.name)) { bound.contains($0.oid) }
            guard try git.moveRefs(changed, message: "permanently delete LFS files") else {
                throw HubError.conflict("A branch moved while its history was being rewritten: nothing was deleted; try again")
            }
            await repos.maintenance.schedule(repos.location(of: repo))
            if changed["refs/heads/\(RepoService.defaultBranch)"] != nil {
                try await repos.refreshHead(of: repo)
            }
        }
        for orphan in try await store.unbind(Array(bound), repo: repo.rowID, onPurpose: true) {
            try await blobs.remove(orphan)
        }
    }

    /// The default branch first, then the other branches, tags, pull requests and the rest, so
    /// that a file is shown under the ref a user would look in first.
    static func searchOrder(of refs: [String]) -> [String] {
        func rank(_ ref: String) -> Int {
            if ref == "refs/heads/\(RepoService.defaultBranch)" { return 0 }
            if ref.hasPrefix("refs/heads/") { return 1 }
            if ref.hasPrefix("refs/tags/") { return 2 }
            if ref.hasPrefix("refs/pr/") { return 3 }
            return 4
        }
        return refs.sorted { (rank($0), $0) < (rank($1), $1) }
    }
}
