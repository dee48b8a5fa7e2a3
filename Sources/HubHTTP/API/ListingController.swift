import Foundation
import HTTPTypes
import Hummingbird
import HubCore
import HubServices

/// `GET /api/models`, `/api/datasets`, `/api/spaces`: listing and search (`list_models` and its siblings in huggingface_hub's `hf_api.py`),
/// with absolute `Link` pagination.
struct ListingController {
    let repos: RepoService
    let files: FileService
    let baseURL: BaseURL

    static let pageSize = 1000

    func register(on router: Router<HubRequestContext>) {
        for kind in RepoKind.allCases {
            router.get(RouterPath("/api/\(kind.plural)")) { request, context in
                try await list(request, context: context, kind: kind)
            }
        }
    }

    func list(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        let parameters = request.uri.queryParameters
        var query = RepoQuery(kind: kind)
        query.text = parameters.getAll("search").joined(separator: " ")
        if query.text?.isEmpty == true { query.text = nil }
        query.author = parameters.get("author")
        query.pipelineTag = parameters.get("pipeline_tag")
        // library, language and tags are tags too (older clients send them as separate parameters).
        query.tags = parameters.getAll("filter") + parameters.getAll("library") + parameters.getAll("language")
            + parameters.getAll("tags")
        switch parameters.get("sort") {
        case nil: query.order = query.text == nil ? .lastModified : .relevance
        case "lastModified", "last_modified": query.order = .lastModified
        case "createdAt", "created_at": query.order = .createdAt
        case "downloads": query.order = .downloads
        case "likes": query.order = .likes
        case "trendingScore", "trending_score", "trending": query.order = .trendingScore
        case let other?:
            throw HubError.badRequest(
                "Unknown sort '\(HubName.printable(other))': use lastModified, createdAt, downloads, likes or trendingScore")
        }
        query.ascending = parameters.get("direction") == "1"
        let limit = parameters.get("limit").flatMap { Int($0) }.map { min(max($0, 1), Self.pageSize) } ?? Self.pageSize
        let pagination = try Pagination(request: request, limit: limit)
        query.offset = pagination.offset
        query.limit = pagination.limit
        let (page, hasMore) = try await repos.search(query, caller: try context.caller())

        let full = parameters.get("full") == "true"
        let withCard = full || parameters.get("cardData") == "true"
        let expand = parameters.getAll("expand")
        var items: [[String: JSONValue]] = []
        for repo in page {
            var fields = repo.apiSummary
            if withCard, let card = repo.card.dataJSON { fields["cardData"] = .rawJSON(card) }
            if full || expand.contains("sha"), let sha = repo.headCommit { fields["sha"] = .string(sha) }
            if full || expand.contains("siblings") {
                fields["siblings"] = .encodable(try await siblings(of: repo))
            }
            if full || expand.contains("usedStorage") {
                fields["usedStorage"] = .encodable(repos.usedStorage(of: repo))
            }
            if !expand.isEmpty {
                if expand.contains("cardData"), let card = repo.card.dataJSON { fields["cardData"] = .rawJSON(card) }
                fields = fields.filter { ["_id", "id"].contains($0.key) || expand.contains($0.key) }
            }
            items.append(fields)
        }
        var response = JSONBody.response(object: items)
        if hasMore, let next = pagination.nextLink(total: Int.max, request: request, baseURL: baseURL) {
            response.headers[.link] = next
        }
        return response
    }

    /// The files of the default branch, as `full=true` lists them.
    func siblings(of repo: RepoInfo) async throws -> [[String: String]] {
        let (_, entries) = try await files.tree(of: repo, revision: RepoService.defaultBranch, path: "", recursive: true)
        return entries.filter { !$0.isDirectory }.map { ["rfilename": $0.path] }
    }
}
