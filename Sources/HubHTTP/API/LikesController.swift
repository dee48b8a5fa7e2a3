import Hummingbird
import HubCore
import HubServices

/// Likes: `POST`/`DELETE …/like`, `GET …/likers`, `GET /api/users/{user}/likes`.
struct LikesController {
    let counters: CounterService
    let accounts: AccountService
    let baseURL: BaseURL

    static let pageSize = 1000

    func register(on router: Router<HubRequestContext>) {
        for kind in RepoKind.allCases {
            let base = "/api/\(kind.plural)/:namespace/:name"
            router.post(RouterPath(base + "/like")) { _, context in
                try await counters.like(try context.repoID(kind: kind), caller: try context.caller())
                return JSONBody.response(object: [String: String]())
            }
            router.delete(RouterPath(base + "/like")) { _, context in
                try await counters.unlike(try context.repoID(kind: kind), caller: try context.caller())
                return JSONBody.response(object: [String: String]())
            }
            router.get(RouterPath(base + "/likers")) { request, context in
                let pagination = try Pagination(request: request, limit: Self.pageSize)
                let users = try await counters.likers(
                    try context.repoID(kind: kind), offset: pagination.offset,
                    limit: pagination.limit + 1, caller: try context.caller())
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
