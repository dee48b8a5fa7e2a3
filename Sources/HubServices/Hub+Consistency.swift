import Crypto
import Foundation
import HubCore
import HubGit
import NIOCore

/// `modelhub fsck`: reads everything the hub holds and reports what does not agree, changing
/// nothing unless asked to repair what can be repaired safely. Safe while the server runs: it
/// only reads, and its repairs go through the same paths a push or a start-up takes.
extension Hub {
    /// - every index row has its repository folder, and every folder its row;
    /// - every ref leads to a commit;
    /// - the index's head is the default branch's commit (repaired: read again from git);
    /// - every LFS object a commit of a branch or tag points to is bound to the repository and
    ///   stored (objects deleted on purpose are reported apart, as deleted);
    /// - with `objects`, every stored object's bytes hash to its name and have its size.
    /// A folder without a row is reported, not repaired: the row's owner, visibility and history
    /// of renames are gone with it, and the server's start-up removes such folders as the
    /// remains of an interrupted delete.
    public func checkConsistency(objects: Bool, repair: Bool) async throws -> ConsistencyReport {
        var report = ConsistencyReport()
        var indexed: Set<Int64> = []
        try await repos.forEachRepository { repo in
            indexed.insert(repo.rowID)
            report.repositories += 1
            report.findings += try await checkRepository(repo, repair: repair)
        }
        for (location, rowID) in try repos.storage.markedRepositories() where !indexed.contains(rowID) {
            // A repository created after the walk began has a row now.
            guard try await repos.store.find(rowID: rowID) == nil else { continue }
            report.findings.append(
                ConsistencyFinding(.unindexedRepository, location.path, "the index has no row \(rowID) for this folder"))
        }
        if objects {
            var after: LFSObjectID?
            while true {
                let page = try await lfs.store.objects(after: after, limit: 200)
                for (oid, size) in page {
                    report.objects += 1
                    if let damage = try await lfs.checkBytes(of: oid, size: size) {
                        report.findings.append(ConsistencyFinding(.damagedLFSObject, oid.hex, damage))
                    }
                }
                guard let last = page.last else { break }
                after = last.oid
            }
        }
        return report
    }

    private func checkRepository(_ repo: RepoInfo, repair: Bool) async throws -> [ConsistencyFinding] {
        let subject = "\(repo.id.kind.plural)/\(repo.id.path)"
        let git: GitRepository
        do {
            git = try GitRepository.open(at: repos.location(of: repo))
        } catch {
            return [ConsistencyFinding(.missingRepository, subject, "no readable repository at \(repos.location(of: repo).path)")]
        }
        var findings = try git.unresolvableRefs().map { ConsistencyFinding(.unresolvableRef, subject, "\($0.name): \($0.reason)") }
        let head = try git.commit(atRef: "refs/heads/\(RepoService.defaultBranch)")?.id
        if head != repo.headCommit {
            var finding = ConsistencyFinding(
                .staleHead, subject, "the index has \(repo.headCommit ?? "no commit"), \(RepoService.defaultBranch) is \(head ?? "missing")")
            if repair {
                try await repos.refreshHead(of: repo)
                finding.repaired = true
            }
            findings.append(finding)
        }
        let refs = try git.refs().map(\.name).filter { $0.hasPrefix("refs/heads/") || $0.hasPrefix("refs/tags/") }
        let references = try git.lfsReferences(from: LFSService.searchOrder(of: refs))
        guard !references.isEmpty else { return findings }
        let bound = try await lfs.store.boundObjects(Array(references.keys), repo: repo.rowID)
        let deleted = try await lfs.store.deletedOnPurpose(repo: repo.rowID)
        for (oid, reference) in references.sorted(by: { $0.key.hex < $1.key.hex }) {
            let place = "\(reference.path) on \(reference.ref) points to \(oid.hex)"
            guard bound[oid] != nil else {
                // A mirror holds an object once someone downloaded it: the rest is upstream's.
                if repo.mirror != nil { continue }
                findings.append(
                    deleted.contains(oid)
                        ? ConsistencyFinding(.deletedLFSObject, subject, "\(place), deleted on purpose")
                        : ConsistencyFinding(.missingLFSObject, subject, "\(place), which the repository does not hold"))
                continue
            }
            if try await lfs.stored(oid) == nil {
                findings.append(ConsistencyFinding(.missingLFSObject, subject, "\(place), whose bytes are not stored"))
            }
        }
        return findings
    }
}

/// What `checkConsistency` read and found.
public struct ConsistencyReport: Sendable {
    public var repositories = 0
    public var objects = 0
    public var findings: [ConsistencyFinding] = []

    /// Damage that is still there (a repaired finding, or a deliberate deletion, is not).
    public var damaged: Bool { findings.contains { $0.isDamage && !$0.repaired } }
}

extension LFSService {
    /// Why the stored bytes of `oid` are not what the index records (nil when they are): read
    /// whole and hashed, from the blob store or rebuilt from Xet's chunks.
    func checkBytes(of oid: LFSObjectID, size: Int64) async throws -> String? {
        guard let stored = try await stored(oid) else { return "the index records it, but its bytes are not stored" }
        guard stored.size == size else { return "stored as \(stored.size) bytes, recorded as \(size)" }
        var hasher = SHA256()
        var read: Int64 = 0
        try await self.read(oid, range: nil) { buffer in
            buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
            read += Int64(buffer.readableBytes)
        }
        let digest = hasher.finalize().hexString
        if read != size { return "read \(read) bytes, recorded as \(size)" }
        return digest == oid.hex ? nil : "its bytes hash to \(digest)"
    }
}
