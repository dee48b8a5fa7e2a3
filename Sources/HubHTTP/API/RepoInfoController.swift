import Foundation
import HTTPTypes
import Hummingbird
import HubCore
import HubServices

/// Repository information and file listings: `GET /api/{models,datasets,spaces}/{ns}/{name}`,
/// `…/revision/{rev}` and `…/tree/{rev}[/{path}]` (what `repo_info`, `snapshot_download` and
/// `list_repo_tree` call).
struct RepoInfoController {
    let files: FileService
    let repos: RepoService
    let baseURL: BaseURL
    /// Repo info answers by repository, commit and query, each valid at one index version:
    /// `snapshot_download` and CI jobs ask for the same one over and over.
    let answers = BoundedCache<(version: Int64, body: ByteBuffer)>(capacity: 32 << 20)

    static let treePageSize = 1000
    /// With `expand=true` every entry carries its last commit, which costs a history walk.
    static let expandedTreePageSize = 50

    func register(on router: Router<HubRequestContext>) {
        for kind in RepoKind.allCases {
            let base = "/api/\(kind.plural)/:namespace/:name"
            // Repo info shows the counters and caches its answer by index version.
            let infoRoutes = router.group().add(
                middleware: RepoAssignmentMiddleware(
                    repos: repos, kind: kind, need: .read, withCounters: true, pinningIndexVersion: true))
            infoRoutes.get(RouterPath(base)) { request, context in
                try await info(request, context: context, revision: RepoService.defaultBranch)
            }
            for pattern in [base + "/revision/:revision", base + "/revision/:revision/**"] {
                infoRoutes.get(RouterPath(pattern)) { request, context in
                    let (revision, _) = try context.revisionAndPath()
                    return try await info(request, context: context, revision: revision)
                }
            }
            let reads = router.group().add(middleware: RepoAssignmentMiddleware(repos: repos, kind: kind, need: .read))
            for pattern in [base + "/tree/:revision", base + "/tree/:revision/**"] {
                reads.get(RouterPath(pattern)) { request, context in
                    try await tree(request, context: context)
                }
            }
            for pattern in [base + "/paths-info/:revision", base + "/paths-info/:revision/**"] {
                reads.post(RouterPath(pattern)) { request, context in
                    try await pathsInfo(request, context: context)
                }
            }
        }
    }

    // MARK: Info

    struct Sibling: Encodable {
        struct LFS: Encodable {
            let sha256: String
            let size: Int64
            let pointerSize: Int64
        }
        let rfilename: String
        let size: Int64?
        let blobId: String?
        let lfs: LFS?
    }

    func info(_ request: Request, context: HubRequestContext, revision: String) async throws -> Response {
        let grant = try context.grantedRepo()
        // Taken (by the route group's RepoAssignmentMiddleware) before the row was read, so an
        // answer is never kept under a version older than what it shows.
        guard let version = grant.indexVersion else {
            throw HubError.internalFailure("repo info is registered without pinning the index version")
        }
        let repo = grant.repo
        let resolved = try files.revision(of: repo, revision: revision)
        // The answer depends on the index (the row, its counters, LFS bindings), on the commit
        // (immutable) and on the query, nothing else: who asks was settled by `readable`.
        let key = "\(repo.rowID)|\(resolved.commit)|\(request.uri.query ?? "")"
        if let cached = answers.value(for: key), cached.version == version {
            return JSONBody.response(bytes: cached.body)
        }
        let body = try await infoBody(request, resolved: resolved)
        answers.store((version, body), for: key, cost: body.readableBytes + key.utf8.count + 64)
        return JSONBody.response(bytes: body)
    }

    func infoBody(_ request: Request, resolved: ResolvedRevision) async throws -> ByteBuffer {
        let repo = resolved.repo
        let entries = try await files.tree(at: resolved, path: "", recursive: true)
        let counters = repo.counters
        let withBlobs = request.uri.queryParameters.get("blobs") == "true"
        let siblings = entries.filter { !$0.isDirectory }.map { entry in
            Sibling(
                rfilename: entry.path, size: withBlobs ? entry.size : nil, blobId: withBlobs ? entry.gitID : nil,
                lfs: withBlobs ? entry.lfs.map { Sibling.LFS(sha256: $0.pointer.oid.hex, size: $0.pointer.size, pointerSize: $0.pointerSize) } : nil)
        }
        // What a listing shows, then what only the revision knows: its commit, files and card
        // (not necessarily the default branch's, which the index keeps), and the counters.
        var fields = repo.apiSummary
        let card = try files.card(of: repo, commit: resolved.commit)
        fields["sha"] = .string(resolved.commit)
        fields["lastModified"] = .string(HubDate.format(resolved.date))
        fields["siblings"] = .encodable(siblings)
        fields["downloads"] = .encodable(counters.downloads)
        fields["downloadsAllTime"] = .encodable(counters.downloadsAllTime)
        fields["likes"] = .encodable(counters.likes)
        fields["trendingScore"] = .encodable(counters.trendingScore)
        fields["usedStorage"] = .encodable(repos.usedStorage(of: repo))
        fields["tags"] = .encodable(card.tags)
        fields["cardData"] = card.dataJSON.map(JSONValue.rawJSON)
        fields["pipeline_tag"] = card.pipelineTag.map(JSONValue.string)
        fields["library_name"] = card.libraryName.map(JSONValue.string)
        // `expand` asks for exactly these properties (plus the id).
        let expand = request.uri.queryParameters.getAll("expand")
        if !expand.isEmpty {
            fields = fields.filter { ["_id", "id"].contains($0.key) || expand.contains($0.key) }
        }
        return JSONBody.encode(fields)
    }

    // MARK: Tree

    struct TreeEntryJSON: Encodable {
        struct LFS: Encodable {
            let oid: String
            let size: Int64
            let pointerSize: Int64
        }
        let type: String
        let oid: String
        let size: Int64
        let path: String
        let lfs: LFS?
        /// Files uploaded through Xet only: with it, snapshot_download asks the CAS directly
        /// (huggingface_hub's `RepoFile.xet_hash`).
        let xetHash: String?
        var lastCommit: LastCommit?

        struct LastCommit: Encodable {
            let id: String
            let title: String
            let date: String
        }

        init(_ entry: RepoTreeEntry) {
            type = entry.isDirectory ? "directory" : "file"
            oid = entry.gitID
            size = entry.size
            path = entry.path
            lfs = entry.lfs.map { LFS(oid: $0.pointer.oid.hex, size: $0.pointer.size, pointerSize: $0.pointerSize) }
            xetHash = entry.xetHash?.xetString
        }
    }

    /// `get_paths_info`: a form-encoded body (`paths=a&paths=b&expand=false`); paths that do
    /// not exist are left out of the answer.
    func pathsInfo(_ request: Request, context: HubRequestContext) async throws -> Response {
        let grant = try context.grantedRepo()
        let (revision, _) = try context.revisionAndPath()
        let body = try await request.body.collect(upTo: 4 << 20)
        let form = try FormURLEncoded.decode(body.readableBytesView)
        let paths = form.filter { $0.name == "paths" }.map(\.value)
        guard paths.count <= 1000 else { throw HubError.badRequest("At most 1000 paths per request") }
        // huggingface_hub sends `expand` in the form body; the query is accepted too.
        let expand = (form.last { $0.name == "expand" }?.value ?? request.uri.queryParameters.get("expand")) == "true"
        let (resolved, entries) = try await files.pathsInfo(grant, revision: revision, paths: paths)
        var listed = entries.map(TreeEntryJSON.init)
        if expand {
            try await addLastCommits(to: &listed, resolved: resolved)
        }
        return JSONBody.response(object: listed)
    }

    /// Gives each entry the last commit that changed it (`expand=true` on tree and paths-info).
    func addLastCommits(to entries: inout [TreeEntryJSON], resolved: ResolvedRevision) async throws {
        let last = try await files.lastCommits(resolved.repo, paths: entries.map(\.path), commit: resolved.commit)
        for index in entries.indices {
            if let commit = last[entries[index].path] {
                entries[index].lastCommit = .init(id: commit.id, title: commit.title, date: HubDate.format(commit.date))
            }
        }
    }

    func tree(_ request: Request, context: HubRequestContext) async throws -> Response {
        let grant = try context.grantedRepo()
        let (revision, path) = try context.revisionAndPath()
        let recursive = request.uri.queryParameters.get("recursive") == "true"
        let expand = request.uri.queryParameters.get("expand") == "true"
        let pagination = try Pagination(request: request, limit: expand ? Self.expandedTreePageSize : Self.treePageSize)
        let (resolved, entries) = try await files.tree(of: grant.repo, revision: revision, path: path, recursive: recursive)
        var page = pagination.page(entries).map(TreeEntryJSON.init)
        if expand {
            try await addLastCommits(to: &page, resolved: resolved)
        }
        var response = JSONBody.response(object: page)
        if let next = pagination.nextLink(total: entries.count, request: request, baseURL: baseURL) {
            response.headers[.link] = next
        }
        return response
    }
}
