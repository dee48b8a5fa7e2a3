import Foundation
import HubCore
import HubGit
import HubIndex
import Logging

/// The pull-through mirror: a repository this hub does not have, in a namespace no local user
/// or organization holds, is looked up on the upstream hub (`upstreamURL`); when upstream has
/// it, its git history is cloned (every branch, tag and pull request ref; LFS files stay
/// pointers until their first download, `LFSService.fetchMirrored`) and it is served from then
/// on as a read-only repository of this hub. A mirror older than the metadata TTL is fetched
/// again in the background while the request is answered from what is here, so a slow or dead
/// upstream never holds a request for something already fetched; a repository upstream deleted
/// goes unless an administrator pinned it.
extension RepoService {
    static let mirrorLogger = Logger(label: "modelhub.mirror")

    /// Makes `id` a mirror when upstream has it and this hub has nothing of that name (`found`,
    /// the row the request read), or starts a refresh of a stale mirror. True when a mirror was
    /// made (or another request made it meanwhile): the row is to be read again. Nothing to do
    /// for this hub's own repositories.
    func prepareMirror(of id: RepoID, found: RepoInfo?) async throws -> Bool {
        guard let upstream else { return false }
        let key = Self.mirrorKey(id)
        if let repo = found {
            guard let mirror = repo.mirror, Date().timeIntervalSince(mirror.fetchedAt) >= upstream.metadataTTL else { return false }
            let service = self
            Task {
                _ = try? await service.mirrorFlights.run("refresh " + key) {
                    try await service.refreshMirror(repo, from: upstream)
                    return nil
                }
            }
            return false
        }
        // A local namespace is never looked up upstream: its missing repository stays missing,
        // exactly like a private one.
        guard try await namespaces.lookUp(id.namespace) == nil else { return false }
        if let asked = upstreamMisses.value(for: key), Date().timeIntervalSince(asked) < upstream.metadataTTL { return false }
        let service = self
        return try await mirrorFlights.run(key) { try await service.materializeMirror(id, from: upstream) } != nil
    }

    /// Clones `id` from upstream and records it as a mirror; nil when upstream has no such
    /// repository (remembered for the TTL, so a stream of requests for a missing name does not
    /// become a stream of upstream requests).
    func materializeMirror(_ id: RepoID, from upstream: MirrorUpstream) async throws -> RepoInfo? {
        if let existing = try await store.find(id) { return existing }  // made while this request waited
        guard let described = try await upstream.hub.repository(id) else {
            upstreamMisses.store(Date(), for: Self.mirrorKey(id))
            return nil
        }
        let remote = upstream.hub.gitRemote(id)
        let location = storage.temporaryDirectory.appendingPathComponent("mirror-\(UUID().uuidString).git")
        do {
            try FileManager.default.createDirectory(at: storage.temporaryDirectory, withIntermediateDirectories: true)
            do {
                try await GitMirror.clone(from: remote.url, headers: remote.headers, into: location)
            } catch HubError.upstreamFailed(let reason) where described.isGated {
                Self.mirrorLogger.info("\(id.path) is gated upstream and not mirrored: \(reason)")
                throw UpstreamRepository.gateRefusal(id)
            }
            guard let head = try GitRepository.open(at: location).commit(atRef: "refs/heads/\(Self.defaultBranch)")?.id else {
                throw HubError.upstreamFailed("The upstream repository \(id.path) has no \(Self.defaultBranch) branch")
            }
            let prepared = PreparedRepository(location: location, commit: head)
            let storage = self.storage
            let created = try await store.create(
                NewRepo(id: id, isPrivate: described.isPrivate, sdk: nil, headCommit: head, mirroredAt: Date())
            ) { rowID in
                try storage.install(prepared, as: id, rowID: rowID)
            }
            try await refreshHead(of: created)
            Self.mirrorLogger.info("mirrored \(id.kind.rawValue) \(id.path) from upstream")
            return created
        } catch HubError.repoExists {
            // Another instance mirrored it first.
            try? FileManager.default.removeItem(at: location)
            return try await store.find(id)
        } catch {
            try? FileManager.default.removeItem(at: location)
            throw error
        }
    }

    /// Fetches a stale mirror's refs again. Upstream unreachable: the mirror stays as it is, and
    /// is not asked about again before the TTL. Upstream deleted it: it goes, unless pinned.
    func refreshMirror(_ repo: RepoInfo, from upstream: MirrorUpstream) async throws {
        do {
            guard let described = try await upstream.hub.repository(repo.id) else {
                if repo.mirror?.pinned == true {
                    try await store.markMirrorFetched(repo.id, at: Date(), isPrivate: repo.isPrivate)
                } else {
                    Self.mirrorLogger.info("upstream deleted \(repo.id.path): the mirror goes too")
                    if try await store.delete(repo.id) { try storage.remove(repo.id) }
                }
                return
            }
            let remote = upstream.hub.gitRemote(repo.id)
            try await GitMirror.fetch(from: remote.url, headers: remote.headers, into: storage.location(of: repo.id))
            try await store.markMirrorFetched(repo.id, at: Date(), isPrivate: described.isPrivate)
            try await refreshHead(of: repo)
        } catch HubError.upstreamFailed(let reason) {
            Self.mirrorLogger.warning("mirror \(repo.id.path) not refreshed, served as it is: \(reason)")
            try await store.markMirrorFetched(repo.id, at: Date(), isPrivate: repo.isPrivate)
        }
    }

    /// Pins a mirror (kept even when upstream deletes the repository) or unpins it.
    public func setMirrorPinned(_ id: RepoID, pinned: Bool) async throws {
        guard try await store.setMirrorPinned(id, pinned: pinned) else {
            throw HubError.badRequest("\(id.kind.rawValue) \(id.path) is not a mirror")
        }
    }

    /// Drops a mirror: the next request for it fetches it from upstream again.
    public func dropMirror(_ id: RepoID) async throws {
        guard let repo = try await store.find(id), repo.mirror != nil else {
            throw HubError.badRequest("\(id.kind.rawValue) \(id.path) is not a mirror")
        }
        if try await store.delete(id) { try storage.remove(id) }
    }

    /// What a caller may do with a mirror: read it when upstream shows it to everyone, or (a
    /// repository only the upstream token reads) when signed in; never write.
    static func mirrorAccess(to repo: RepoInfo, caller: Caller?) -> RepoAccess {
        repo.isPrivate && caller == nil ? .none : .read
    }

    static func mirrorKey(_ id: RepoID) -> String {
        "\(id.kind.rawValue)/\(id.path.lowercased())"
    }
}
