import Hummingbird
import HubCore
import HubServices

/// `list_user_repos` (`hf repos ls`): the repositories of the caller's namespace
/// (`GET /api/settings/repositories`) or of an organization they belong to
/// (`GET /api/organizations/{org}/settings/repositories`), with the storage each uses.
struct StorageController {
    let repos: RepoService
    let orgs: OrgService
    let baseURL: BaseURL

    static let pageSize = 1000

    func register(on router: Router<HubRequestContext>) {
        router.get("/api/settings/repositories") { request, context in
            guard let caller = try context.caller() else { throw HubError.authenticationRequired }
            return try await list(request, namespace: caller.user.name, caller: caller)
        }
        router.get("/api/organizations/:org/settings/repositories") { request, context in
            guard let caller = try context.caller() else { throw HubError.authenticationRequired }
            let org = try await orgs.org(named: try context.parameters.require("org"))
            guard AccessPolicy.maySeeRoles(of: org.name, caller: caller) else {
                throw HubError.forbidden("Only members of \(org.name.value) can list its repositories' storage")
            }
            return try await list(request, namespace: org.name, caller: caller)
        }
    }

    struct Item: Encodable {
        let id: String
        let type: String
        let updatedAt: String
        let visibility: String
        let storage: Int64
        let storagePercent: Double
    }

    func list(_ request: Request, namespace: HubName, caller: Caller) async throws -> Response {
        let all = try await repos.repositories(of: namespace, caller: caller)
        let sizes = all.map { repos.usedStorage(of: $0) }
        let total = max(sizes.reduce(0, +), 1)
        let items = zip(all, sizes).map { repo, size in
            Item(
                id: repo.id.path, type: repo.id.kind.rawValue, updatedAt: HubDate.format(repo.lastModified),
                visibility: repo.isPrivate ? "private" : "public", storage: size,
                storagePercent: (Double(size) * 10_000 / Double(total)).rounded() / 100)
        }
        let pagination = try Pagination(request: request, limit: Self.pageSize)
        var response = JSONBody.response(object: Array(pagination.page(items)))
        if let next = pagination.nextLink(total: items.count, request: request, baseURL: baseURL) {
            response.headers[.link] = next
        }
        return response
    }
}
