import Hummingbird
import HubCore
import HubServices

/// `list_lfs_files` (`GET /api/{type}s/{id}/lfs-files`, paged by `Link`) and
/// `permanently_delete_lfs_files` (`POST /api/{type}s/{id}/lfs-files/batch`), as huggingface_hub's
/// `hf_api.py` calls them.
struct LFSFilesController {
    let lfs: LFSService
    let repos: RepoService
    let baseURL: BaseURL

    static let pageSize = 1000

    func register(on router: Router<HubRequestContext>) {
        for kind in RepoKind.allCases {
            let base = "/api/\(kind.plural)/:namespace/:name/lfs-files"
            let reads = router.group().add(middleware: RepoAssignmentMiddleware(repos: repos, kind: kind, need: .read))
            let writes = router.group().add(middleware: RepoAssignmentMiddleware(repos: repos, kind: kind, need: .write))
            reads.get(RouterPath(base)) { request, context in try await list(request, context: context) }
            writes.post(RouterPath(base + "/batch")) { request, context in
                try await delete(request, context: context)
            }
        }
    }

    /// The fields huggingface_hub's `LFSFileInfo` reads. `fileOid` is what a deletion names.
    struct Item: Encodable {
        let oid: String
        let fileOid: String
        let size: Int64
        let filename: String
        let pushedAt: String
        let ref: String?
    }

    func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        let pagination = try Pagination(request: request, limit: Self.pageSize)
        let files = try await lfs.files(try context.grantedRepo())
        let page = pagination.page(files).map { file in
            Item(
                oid: file.oid.hex, fileOid: file.oid.hex, size: file.size, filename: file.reference?.path ?? "",
                pushedAt: HubDate.format(file.pushedAt), ref: file.reference?.ref)
        }
        var response = JSONBody.response(object: Array(page))
        if let next = pagination.nextLink(total: files.count, request: request, baseURL: baseURL) {
            response.headers[.link] = next
        }
        return response
    }

    struct DeleteRequest: Decodable {
        struct Deletions: Decodable {
            let sha: [String]
            let rewriteHistory: Bool?
        }
        let deletions: Deletions
    }

    func delete(_ request: Request, context: HubRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(DeleteRequest.self, context: context)
        guard body.deletions.sha.count <= 1000 else { throw HubError.badRequest("At most 1000 LFS files per request") }
        try await lfs.permanentlyDelete(
            try context.grantedRepo(), oids: body.deletions.sha, rewriteHistory: body.deletions.rewriteHistory ?? true)
        return JSONBody.response(object: [String: String]())
    }
}
