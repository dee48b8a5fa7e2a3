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

    static let treePageSize = 1000
    /// With `expand=true` every entry carries its last commit, which costs a history walk.
    static let expandedTreePageSize = 50

    func register(on router: Router<HubRequestContext>) {
        for kind in RepoKind.allCases {
            let base = "/api/\(kind.plural)/:namespace/:name"
            router.get(RouterPath(base)) { request, context in
                try await info(request, context: context, kind: kind, revision: RepoService.defaultBranch)
            }
            for pattern in [base + "/revision/:revision", base + "/revision/:revision/**"] {
                router.get(RouterPath(pattern)) { request, context in
                    let (revision, _) = try FileController.revisionAndPath(context: context)
                    return try await info(request, context: context, kind: kind, revision: revision)
                }
            }
            for pattern in [base + "/tree/:revision", base + "/tree/:revision/**"] {
                router.get(RouterPath(pattern)) { request, context in
                    try await tree(request, context: context, kind: kind)
                }
            }
            for pattern in [base + "/paths-info/:revision", base + "/paths-info/:revision/**"] {
                router.post(RouterPath(pattern)) { request, context in
                    try await pathsInfo(request, context: context, kind: kind)
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

    func info(_ request: Request, context: HubRequestContext, kind: RepoKind, revision: String) async throws -> Response {
        let id = try LFSController.repoID(context: context, kind: kind)
        let (resolved, entries) = try await files.tree(
            id, revision: revision, path: "", recursive: true, caller: try context.caller())
        let repo = resolved.repo
        let counters = try await repos.counters(of: repo)
        let withBlobs = request.uri.queryParameters.get("blobs") == "true"
        let siblings = entries.filter { !$0.isDirectory }.map { entry in
            Sibling(
                rfilename: entry.path, size: withBlobs ? entry.size : nil, blobId: withBlobs ? entry.gitID : nil,
                lfs: withBlobs ? entry.lfs.map { Sibling.LFS(sha256: $0.pointer.oid.hex, size: $0.pointer.size, pointerSize: $0.pointerSize) } : nil)
        }
        var fields: [String: JSONValue] = [
            "_id": .string(String(repo.rowID)),
            "id": .string(repo.id.path),
            "author": .string(repo.id.namespace.value),
            "sha": .string(resolved.commit),
            "lastModified": .string(HubDate.format(resolved.date)),
            "createdAt": .string(HubDate.format(repo.createdAt)),
            "private": .bool(repo.isPrivate),
            "gated": .bool(false),
            "disabled": .bool(false),
            "siblings": .encodable(siblings),
            "downloads": .encodable(counters.downloads),
            "downloadsAllTime": .encodable(counters.downloadsAllTime),
            "likes": .encodable(counters.likes),
            "trendingScore": .encodable(counters.trendingScore),
        ]
        if kind == .model { fields["modelId"] = .string(repo.id.path) }
        if let sdk = repo.sdk { fields["sdk"] = .string(sdk) }
        // The card of this revision (not necessarily the default branch's, which the index keeps).
        let card = try await files.card(id, commit: resolved.commit, caller: try context.caller())
        fields["tags"] = .encodable(card.tags)
        if let data = card.dataJSON { fields["cardData"] = .rawJSON(data) }
        if let pipeline = card.pipelineTag { fields["pipeline_tag"] = .string(pipeline) }
        if let library = card.libraryName { fields["library_name"] = .string(library) }
        // `expand` asks for exactly these properties (plus the id).
        let expand = request.uri.queryParameters.getAll("expand")
        if !expand.isEmpty {
            fields = fields.filter { ["_id", "id"].contains($0.key) || expand.contains($0.key) }
        }
        return JSONBody.response(object: fields)
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
        }
    }

    /// `get_paths_info`: a form-encoded body (`paths=a&paths=b&expand=false`); paths that do
    /// not exist are left out of the answer.
    func pathsInfo(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        let id = try LFSController.repoID(context: context, kind: kind)
        let (revision, _) = try FileController.revisionAndPath(context: context)
        let body = try await request.body.collect(upTo: 4 << 20)
        var form = URLComponents()
        form.percentEncodedQuery = String(buffer: body).replacingOccurrences(of: "+", with: "%20")
        let paths = (form.queryItems ?? []).filter { $0.name == "paths" }.compactMap(\.value)
        guard paths.count <= 1000 else { throw HubError.badRequest("At most 1000 paths per request") }
        let entries = try await files.pathsInfo(id, revision: revision, paths: paths, caller: try context.caller())
        return JSONBody.response(object: entries.map(TreeEntryJSON.init))
    }

    func tree(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        let id = try LFSController.repoID(context: context, kind: kind)
        let (revision, path) = try FileController.revisionAndPath(context: context)
        let recursive = request.uri.queryParameters.get("recursive") == "true"
        let expand = request.uri.queryParameters.get("expand") == "true"
        let pagination = try Pagination(request: request, limit: expand ? Self.expandedTreePageSize : Self.treePageSize)
        let resolved: ResolvedRevision
        let entries: [RepoTreeEntry]
        do {
            (resolved, entries) = try await files.tree(
                id, revision: revision, path: path, recursive: recursive, caller: try context.caller())
        } catch let missing as EntryNotFoundAtCommit {
            throw HubError.entryNotFound(missing.path)
        }
        var page = pagination.page(entries).map(TreeEntryJSON.init)
        if expand {
            let last = try await files.lastCommits(resolved.repo, paths: page.map(\.path), commit: resolved.commit)
            for index in page.indices {
                if let commit = last[page[index].path] {
                    page[index].lastCommit = .init(id: commit.id, title: commit.title, date: HubDate.format(commit.date))
                }
            }
        }
        var response = JSONBody.response(object: page)
        if let next = pagination.nextLink(total: entries.count, request: request, baseURL: baseURL) {
            response.headers[.link] = next
        }
        return response
    }
}

/// A JSON value of mixed type, for responses whose set of keys depends on the request.
enum JSONValue: Encodable {
    case string(String)
    case bool(Bool)
    case encodable(any Encodable)
    /// JSON text stored as is (card metadata), decoded so it nests as a value.
    case rawJSON(String)

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .string(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .bool(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .encodable(let value):
            try value.encode(to: encoder)
        case .rawJSON(let text):
            let value = (try? JSONDecoder().decode(AnyJSON.self, from: Data(text.utf8))) ?? .null
            try value.encode(to: encoder)
        }
    }
}

/// Any JSON value, decoded and encoded again unchanged.
indirect enum AnyJSON: Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([AnyJSON])
    case object([String: AnyJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([AnyJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: AnyJSON].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
