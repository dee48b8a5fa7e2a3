import Foundation
import HTTPTypes
import Hummingbird
import HubCore
import HubServices

/// Refs, branches, tags and history (`list_repo_refs`, `create_branch`, `create_tag` and
/// `list_repo_commits` in huggingface_hub's `hf_api.py`).
struct RefController {
    let refs: RefService
    let repos: RepoService
    let baseURL: BaseURL

    static let commitsPageSize = 50

    func register(on router: Router<HubRequestContext>) {
        for kind in RepoKind.allCases {
            let base = "/api/\(kind.plural)/:namespace/:name"
            let reads = router.group().add(middleware: RepoAssignmentMiddleware(repos: repos, kind: kind, need: .read))
            let writes = router.group().add(middleware: RepoAssignmentMiddleware(repos: repos, kind: kind, need: .write))
            reads.get(RouterPath(base + "/refs")) { request, context in try await list(request, context: context) }
            for suffix in ["/:revision", "/:revision/**"] {
                writes.post(RouterPath(base + "/branch" + suffix)) { request, context in
                    try await createBranch(request, context: context)
                }
                writes.delete(RouterPath(base + "/branch" + suffix)) { _, context in
                    try await refs.deleteBranch(try context.grantedRepo(), name: try context.refName())
                    return JSONBody.response(object: [String: String]())
                }
                writes.post(RouterPath(base + "/tag" + suffix)) { request, context in
                    try await createTag(request, context: context)
                }
                writes.delete(RouterPath(base + "/tag" + suffix)) { _, context in
                    try await refs.deleteTag(try context.grantedRepo(), tag: try context.refName())
                    return JSONBody.response(object: [String: String]())
                }
                reads.get(RouterPath(base + "/commits" + suffix)) { request, context in
                    try await commits(request, context: context)
                }
            }
        }
    }

    struct RefJSON: Encodable {
        let name: String
        let ref: String
        let targetCommit: String
    }

    struct RefsResponse: Encodable {
        let branches: [RefJSON]
        let converts: [RefJSON]
        let tags: [RefJSON]
        let pullRequests: [RefJSON]?
    }

    func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        let all = try refs.refs(try context.grantedRepo())
        func group(_ prefix: String) -> [RefJSON] {
            all.filter { $0.name.hasPrefix(prefix) }.map {
                RefJSON(name: String($0.name.dropFirst(prefix.count)), ref: $0.name, targetCommit: $0.commit)
            }
        }
        let includePRs = ["1", "true"].contains(request.uri.queryParameters.get("include_prs") ?? "")
        return JSONBody.response(
            object: RefsResponse(
                branches: group("refs/heads/"), converts: group("refs/convert/"), tags: group("refs/tags/"),
                pullRequests: includePRs ? group("refs/pr/") : nil))
    }

    struct BranchRequest: Decodable {
        let startingPoint: String?
    }

    func createBranch(_ request: Request, context: HubRequestContext) async throws -> Response {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        let body = buffer.readableBytes == 0 ? nil : try? JSONDecoder().decode(BranchRequest.self, from: Data(buffer: buffer))
        try await refs.createBranch(try context.grantedRepo(), name: try context.refName(), startingPoint: body?.startingPoint)
        return JSONBody.response(object: [String: String]())
    }

    struct TagRequest: Decodable {
        let tag: String
        let message: String?
    }

    func createTag(_ request: Request, context: HubRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(TagRequest.self, context: context)
        try await refs.createTag(try context.grantedRepo(), revision: try context.refName(), tag: body.tag, message: body.message)
        return JSONBody.response(object: [String: String]())
    }

    struct CommitJSON: Encodable {
        struct Author: Encodable {
            let user: String
        }
        struct Formatted: Encodable {
            let title: String
            let message: String
        }
        let id: String
        let title: String
        let message: String
        let date: String
        let authors: [Author]
        let formatted: Formatted?
    }

    func commits(_ request: Request, context: HubRequestContext) async throws -> Response {
        let pagination = try Pagination(request: request, limit: Self.commitsPageSize)
        let (entries, hasMore) = try refs.commits(
            try context.grantedRepo(), revision: try context.refName(), offset: pagination.offset, limit: pagination.limit)
        // huggingface_hub sends the literal key `expand[]` (percent-encoded on the wire).
        let formatted = request.uri.queryParameters.contains { parameter in
            let key = String(parameter.key).percentDecoded ?? String(parameter.key)
            return (key == "expand[]" || key == "expand") && parameter.value == "formatted"
        }
        let page = entries.map { entry in
            CommitJSON(
                id: entry.id, title: entry.title, message: entry.message, date: HubDate.format(entry.date),
                authors: [.init(user: entry.authorName)],
                formatted: formatted
                    ? .init(title: entry.title.htmlEscaped, message: entry.message.htmlEscaped) : nil)
        }
        var response = JSONBody.response(object: page)
        if hasMore, let next = pagination.nextLink(total: Int.max, request: request, baseURL: baseURL) {
            response.headers[.link] = next
        }
        return response
    }
}
