import HubCore

public protocol DiscussionStore: Sendable {
    /// Creates the next discussion of the repository (numbers start at 1), then runs
    /// `commitPoint` with its number in the same transaction (to create the pull request's ref).
    func create(
        repoRowID: Int64, title: String, description: String, authorID: Int64, isPullRequest: Bool, targetBranch: String?,
        commitPoint: @Sendable (Int) throws -> Void
    ) async throws -> Discussion
    func discussion(repoRowID: Int64, num: Int) async throws -> Discussion?
    func discussions(repoRowID: Int64) async throws -> [Discussion]
}
