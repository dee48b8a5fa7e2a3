import Hummingbird
import HubCore
import HubServices

/// `GET …/discussions` and `GET …/discussions/{num}`: the pull requests made with
/// `create_commit(create_pr=True)` (merging and comments come later).
struct DiscussionController {
    let commits: CommitService
    let repos: RepoService

    func register(on router: Router<HubRequestContext>) {
        for kind in RepoKind.allCases {
            let base = "/api/\(kind.plural)/:namespace/:name/discussions"
            let reads = router.group().add(middleware: RepoAssignmentMiddleware(repos: repos, kind: kind, need: .read))
            reads.get(RouterPath(base)) { _, context in
                let grant = try context.grantedRepo()
                let repo = grant.repo
                let all = try await commits.discussions(grant)
                return JSONBody.response(
                    object: DiscussionPage(
                        discussions: all.map { DiscussionJSON($0, repo: repo) }, count: all.count, start: 0,
                        numClosedDiscussions: all.filter { $0.status != "open" }.count))
            }
            reads.get(RouterPath(base + "/:num")) { _, context in
                guard let num = context.parameters.get("num").flatMap({ Int($0) }) else {
                    throw HubError.entryNotFound("discussion")
                }
                let grant = try context.grantedRepo()
                let discussion = try await commits.discussion(grant, num: num)
                return JSONBody.response(object: DiscussionJSON(discussion, repo: grant.repo, details: true))
            }
        }
    }

    struct RepoJSON: Encodable {
        let name: String
        let type: String
    }

    struct Author: Encodable {
        let name: String
    }

    /// A discussion as listed; with `details`, also its events and (for a pull request) its
    /// base branch and conflicting files, as `get_discussion_details` reads them.
    struct DiscussionJSON: Encodable {
        struct Changes: Encodable {
            let base: String
        }
        let num: Int
        let title: String
        let status: String
        let isPullRequest: Bool
        let createdAt: String
        let author: Author?
        let repo: RepoJSON
        let events: [String]?
        let changes: Changes?
        let filesWithConflicts: [String]?

        init(_ discussion: Discussion, repo: RepoInfo, details: Bool = false) {
            num = discussion.num
            title = discussion.title
            status = discussion.status
            isPullRequest = discussion.isPullRequest
            createdAt = HubDate.format(discussion.createdAt)
            author = discussion.authorName.map(Author.init)
            self.repo = RepoJSON(name: repo.id.path, type: repo.id.kind.rawValue)
            events = details ? [] : nil
            changes = details ? discussion.targetBranch.map { Changes(base: "refs/heads/\($0)") } : nil
            filesWithConflicts = details && discussion.isPullRequest ? [] : nil
        }
    }

    struct DiscussionPage: Encodable {
        let discussions: [DiscussionJSON]
        let count: Int
        let start: Int
        let numClosedDiscussions: Int
    }
}
