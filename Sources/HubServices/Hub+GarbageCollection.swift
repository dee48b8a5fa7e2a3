import Foundation
import HubCore
import HubGit
import XetCore

extension Hub {
    /// Reclaims the space of Xet data nothing can read any more, safely while the hub serves
    /// (xet-core keeps no references of its own: a xorb may back files of many repositories,
    /// so only reachability from a binding keeps it):
    /// 1. a file uploaded through Xet to a repository that no commit of any ref points to is
    ///    unbound from it, if it was uploaded before the grace period;
    /// 2. a file no repository is bound to (deleted repositories, step 1) is deleted with its
    ///    dedup records, if it was registered before the grace period;
    /// 3. a xorb no remaining file names is deleted, unless it was used within the grace period
    ///    (stored, sent again, offered by a dedup answer or named by a shard being registered):
    ///    that spares the xorbs of uploads in flight, whose shard has not come yet.
    /// 4. (first) an LFS object no repository is bound to is deleted on a run at least the grace
    ///    period after the run that found it so;
    /// 5. `git gc --auto` runs on every repository.
    /// With `dryRun`, nothing changes and the report says what would go.
    public func collectGarbage(grace: TimeInterval, dryRun: Bool) async throws -> GarbageReport {
        let cutoff = Date().addingTimeInterval(-grace)
        var report = GarbageReport()

        // LFS objects bound to no repository (their repositories were deleted) are noted on one
        // run and deleted on a run at least the grace period later, unless bound again meanwhile:
        // an object that became unbound a moment ago may be named by an upload that found it
        // already stored and is about to bind it. First, so that a dry run and the run after it
        // see the same objects (the steps below unbind some, which the next run notes).
        let swept = try await lfs.store.sweepUnbound(before: cutoff, dryRun: dryRun)
        for (oid, size) in swept {
            if !dryRun { try await lfs.blobs.remove(oid) }
            report.lfsObjects += 1
            report.lfsBytes += size
        }
        report.lfsObjectsMarked = try await lfs.store.markUnbound(now: Date(), dryRun: dryRun)

        var unbound: Set<String> = []  // "repoRowID oid", for the dry run's later steps
        try await repos.forEachRepository { repo in
            let xetObjects = try await lfs.store.boundObjects(repo: repo.rowID).filter { $0.boundAt < cutoff }
            var candidates: [LFSObjectID] = []
            for object in xetObjects where try await xet.files.file(sha256: object.oid) != nil {
                if try await lfs.blobs.size(of: object.oid) == nil { candidates.append(object.oid) }
            }
            guard !candidates.isEmpty else { return }
            let git = try GitRepository.open(at: repos.location(of: repo))
            let referenced = try git.lfsReferences(from: try git.refs().map(\.name))
            let uncommitted = candidates.filter { referenced[$0] == nil }
            guard !uncommitted.isEmpty else { return }
            report.uncommittedUploads += uncommitted.count
            if dryRun {
                unbound.formUnion(uncommitted.map { "\(repo.rowID) \($0.hex)" })
            } else {
                _ = try await lfs.store.unbind(uncommitted, repo: repo.rowID, onPurpose: false)
            }
        }

        var removedFiles: Set<MerkleHash> = []
        let registered = try await xet.files.allFiles()
        for (file, date) in registered where date < cutoff {
            if dryRun {
                let bindings = try await lfs.store.repos(containing: file.sha256)
                    .filter { !unbound.contains("\($0.rowID) \(file.sha256.hex)") }
                if bindings.isEmpty { removedFiles.insert(file.hash) }
            } else if try await xet.files.deleteIfUnbound(file.hash, registeredBefore: cutoff) {
                removedFiles.insert(file.hash)
            }
        }
        report.files = removedFiles.count

        // Files registered from here on marked their xorbs used first, so they are spared.
        let remaining = dryRun ? registered.map(\.file) : try await xet.files.allFiles().map(\.file)
        var needed: Set<MerkleHash> = []
        for file in remaining where !removedFiles.contains(file.hash) {
            for term in file.terms { needed.insert(term.xorb) }
        }
        for xorb in try await xet.xorbs.allXorbs() where !needed.contains(xorb.hash) && xorb.lastUsed < cutoff {
            if dryRun {
                report.xorbs += 1
                report.bytes += xorb.size
            } else if let freed = try await xet.xorbs.delete(xorb.hash, unusedSince: cutoff) {
                report.xorbs += 1
                report.bytes += freed
            }
        }

        // 5. Each repository's own git objects: packed, and the unreachable ones older than the
        //    grace period deleted, when git's thresholds say it is time.
        try await repos.forEachRepository { repo in
            if !dryRun { try await GitRepacker.collectGarbage(repos.location(of: repo), grace: grace) }
            report.repositories += 1
        }
        return report
    }
}
