import Hummingbird
import HubCore
import HubServices

/// Likes: `POST`/`DELETE …/like`, `GET …/likers`, `GET /api/users/{user}/likes`.
struct LikesController {
    let counters: CounterService
    let accounts: AccountService
    let repos: RepoService
    let baseURL: BaseURL

    static let pageSize = 1000

    func register(on router: Router<HubRequestContext>) {
        for kind in RepoKind.allCases {
            let base = "/api/\(kind.plural)/:namespace/:name"
            let reads = router.group().add(middleware: RepoAssignmentMiddleware(repos: repos, kind: kind, need: .read))
            // An anonymous like is refused before the repository is looked up.
            let likes = router.group()
                .add(middleware: CallerRequiredMiddleware())
                .add(middleware: RepoAssignmentMiddleware(repos: repos, kind: kind, need: .read))
            likes.post(RouterPath(base + "/like")) { _, context in
                try await counters.like(try context.grantedRepo())
                return JSONBody.response(object: [String: String]())
            }
            likes.delete(RouterPath(base + "/like")) { _, context in
                try await counters.unlike(try context.grantedRepo())
                return JSONBody.response(object: [String: String]())
            }
            reads.get(RouterPath(base + "/likers")) { request, context in
                let pagination = try Pagination(request: request, limit: Self.pageSize)
                let users = try await counters.likers(
                    try context.grantedRepo(), offset: pagination.offset, limit: pagination.limit + 1)
                let page = users.prefix(pagination.limit).map {
                    Liker(user: $0.name.value, fullname: $0.fullname, avatarUrl: "")
                }
                var response = JSONBody.response(object: Array(page))
                if users.count > pagination.limit, let next = pagination.nextLink(total: Int.max, request: request, baseURL: baseURL) {
                    response.headers[.link] = next
                }
                return response
            }
        }
        router.get("/api/users/:user/likes") { request, context in
            let pagination = try Pagination(request: request, limit: Self.pageSize)
            let liked = try await counters.likedRepos(
                of: context.parameters.get("user")?.percentDecoded ?? "", offset: pagination.offset,
                limit: pagination.limit, caller: try context.caller(), accounts: accounts)
            return JSONBody.response(
                object: liked.map {
                    Like(createdAt: HubDate.format($0.likedAt), repo: .init(name: $0.repo.id.path, type: $0.repo.id.kind.rawValue))
                })
        }
    }

    struct Liker: Encodable {
        let user: String
        let fullname: String
        let avatarUrl: String
    }

    struct Like: Encodable {
        struct Repo: Encodable {
            let name: String
            let type: String
        }
        let createdAt: String
        let repo: Repo
    }
}
