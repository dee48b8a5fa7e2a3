import Foundation
import HubCore
import HubIndex

/// Likes and download counts.
///
/// A download is counted the public hub's way: one per GET or HEAD of `/resolve/` on a file
/// that stands for "using the repository" — for models `config.json` (or `model_index.json`,
/// `params.json`, `config.yaml`, a `*.gguf` file), for datasets any data file (not the card or
/// `.gitattributes`). So a `snapshot_download` of a model counts once, not once per file.
public struct CounterService: Sendable {
    let repos: RepoService
    let store: any CounterStore
    public let downloads: DownloadTally

    init(repos: RepoService, store: any CounterStore) {
        self.repos = repos
        self.store = store
        downloads = DownloadTally(store: store)
    }

    static let modelQueryFiles: Set<String> = ["config.json", "model_index.json", "params.json", "config.yaml"]

    public static func countsAsDownload(path: String, kind: RepoKind) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        switch kind {
        case .model: return modelQueryFiles.contains(path) || name.hasSuffix(".gguf")
        case .dataset: return !["README.md", ".gitattributes", ".gitignore"].contains(path)
        case .space: return false
        }
    }

    /// Counts a download of `path` when it is one (written to the index within a moment, see
    /// `DownloadTally`).
    public func recordDownload(of repo: RepoInfo, path: String) {
        guard Self.countsAsDownload(path: path, kind: repo.id.kind) else { return }
        downloads.add(repoRowID: repo.rowID)
    }

    /// Likes a repository the caller was let into (liking needs only read access, as on the public hub).
    public func like(_ grant: RepoGrant) async throws {
        guard let caller = grant.caller else { throw HubError.authenticationRequired }
        _ = try await store.like(repoRowID: grant.repo.rowID, userID: caller.user.id)
    }

    public func unlike(_ grant: RepoGrant) async throws {
        guard let caller = grant.caller else { throw HubError.authenticationRequired }
        _ = try await store.unlike(repoRowID: grant.repo.rowID, userID: caller.user.id)
    }

    /// Whether `caller` likes a repository they were already allowed to read.
    public func hasLiked(_ repo: RepoInfo, caller: Caller) async throws -> Bool {
        try await store.hasLiked(repoRowID: repo.rowID, userID: caller.user.id)
    }

    public func likers(_ grant: RepoGrant, offset: Int, limit: Int) async throws -> [User] {
        try await store.likers(repoRowID: grant.repo.rowID, offset: offset, limit: limit)
    }

    /// The repositories `userName` liked that `caller` may see, newest like first.
    public func likedRepos(of userName: String, offset: Int, limit: Int, caller: Caller?, accounts: AccountService) async throws
        -> [(repo: RepoInfo, likedAt: Date)]
    {
        guard let user = try await accounts.user(named: userName) else { throw HubError.userNotFound(userName) }
        return try await store.likedRepos(userID: user.id, offset: offset, limit: limit)
            .filter { AccessPolicy.access(to: $0.repo, caller: caller) >= .read }
    }
}
