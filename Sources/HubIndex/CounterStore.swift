import Foundation
import HubCore

/// Likes and downloads.
public protocol CounterStore: Sendable {
    /// Adds today's downloads of many repositories (`counts[repoRowID]`) in one transaction.
    /// Repositories deleted since are skipped.
    func recordDownloads(_ counts: [Int64: Int]) async throws
    /// Adds the like; false when the user already liked the repository.
    func like(repoRowID: Int64, userID: Int64) async throws -> Bool
    /// Removes the like; false when there was none.
    func unlike(repoRowID: Int64, userID: Int64) async throws -> Bool
    /// Users who liked the repository, oldest like first.
    func likers(repoRowID: Int64, offset: Int, limit: Int) async throws -> [User]
    func hasLiked(repoRowID: Int64, userID: Int64) async throws -> Bool
    /// Repositories a user liked, newest first, with when.
    func likedRepos(userID: Int64, offset: Int, limit: Int) async throws -> [(repo: RepoInfo, likedAt: Date)]
}

extension CounterStore {
    public func recordDownload(repoRowID: Int64) async throws {
        try await recordDownloads([repoRowID: 1])
    }
}
