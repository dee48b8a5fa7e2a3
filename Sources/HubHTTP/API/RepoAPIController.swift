import Hummingbird
import HubCore
import HubServices

/// `POST /api/repos/create` and `DELETE /api/repos/delete`, as huggingface_hub sends them.
struct RepoAPIController {
    let repos: RepoService
    let baseURL: BaseURL

    func register(on router: Router<HubRequestContext>) {
        router.post("/api/repos/create") { request, context in try await create(request, context: context) }
        router.delete("/api/repos/delete") { request, context in try await delete(request, context: context) }
        router.post("/api/repos/move") { request, context in try await move(request, context: context) }
        for kind in RepoKind.allCases {
            let base = "/api/\(kind.plural)/:namespace/:name"
            let reads = router.group().add(middleware: RepoAssignmentMiddleware(repos: repos, kind: kind, need: .read))
            let writes = router.group().add(middleware: RepoAssignmentMiddleware(repos: repos, kind: kind, need: .write))
            writes.put(RouterPath(base + "/settings")) { request, context in
                try await settings(request, context: context)
            }
            // huggingface_hub's auth_check: 200 when the caller may read (or, with /write, write);
            // the route group's RepoAssignmentMiddleware is the check.
            reads.get(RouterPath(base + "/auth-check")) { _, _ in
                JSONBody.response(object: [String: String]())
            }
            writes.get(RouterPath(base + "/auth-check/write")) { _, _ in
                JSONBody.response(object: [String: String]())
            }
        }
    }

    struct MoveRequest: Decodable {
        let fromRepo: String
        let toRepo: String
        let type: String?
    }

    func move(_ request: Request, context: HubRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(MoveRequest.self, context: context)
        let kind = try RepoKind(apiType: body.type)
        func id(_ text: String) throws -> RepoID {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw HubError.badRequest("Repository ids are 'namespace/name', not '\(HubName.printable(text))'") }
            return try RepoID(kind: kind, namespace: String(parts[0]), name: String(parts[1]))
        }
        let from: RepoID
        do { from = try id(body.fromRepo) } catch { throw HubError.repoNotFound }
        try await repos.move(from, to: try id(body.toRepo), caller: try context.caller())
        return JSONBody.response(object: [String: String]())
    }

    struct SettingsRequest: Decodable {
        let `private`: Bool?
        let visibility: String?
        let gated: GatedValue?
    }

    /// `gated` is `false` or a string (`auto`, `manual`).
    enum GatedValue: Decodable {
        case off
        case mode(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let flag = try? container.decode(Bool.self), flag == false {
                self = .off
            } else {
                self = .mode(try container.decode(String.self))
            }
        }
    }

    func settings(_ request: Request, context: HubRequestContext) async throws -> Response {
        let grant = try context.grantedRepo()
        let body = try await request.decodeJSON(SettingsRequest.self, context: context)
        // Every value is checked before anything changes.
        let gated: GatedMode??
        switch body.gated {
        case nil: gated = nil
        case .off?: gated = .some(nil)
        case .mode(let text)?:
            guard let mode = GatedMode(rawValue: text) else {
                throw HubError.badRequest("Invalid gated '\(HubName.printable(text))': expected \"auto\", \"manual\" or false")
            }
            gated = .some(mode)
        }
        let isPrivate: Bool?
        switch body.visibility {
        case nil: isPrivate = body.private
        case "public": isPrivate = false
        case "private": isPrivate = true
        case let other?: throw HubError.badRequest("Invalid visibility '\(HubName.printable(other))': expected public or private")
        }
        if gated != nil || isPrivate != nil { try grant.require(.administer) }
        if let isPrivate {
            try await repos.setVisibility(grant, isPrivate: isPrivate)
        }
        if let gated {
            try await repos.setGated(grant, mode: gated)
        }
        return JSONBody.response(object: [String: String]())
    }

    struct CreateRequest: Decodable {
        let name: String?
        let organization: String?
        let type: String?
        let `private`: Bool?
        let visibility: String?
        let sdk: String?
    }

    struct CreateResponse: Encodable {
        let url: String
        let name: String
        let id: String
    }

    func create(_ request: Request, context: HubRequestContext) async throws -> Response {
        guard let caller = try context.caller() else { throw HubError.authenticationRequired }
        let body = try await request.decodeJSON(CreateRequest.self, context: context)
        let kind = try RepoKind(apiType: body.type)
        let (namespace, name) = try Self.split(name: body.name, organization: body.organization, caller: caller)
        let id = try RepoID(kind: kind, namespace: namespace, name: name)
        let isPrivate = try Self.isPrivate(body)
        if kind == .space {
            guard let sdk = body.sdk, ["gradio", "streamlit", "docker", "static"].contains(sdk) else {
                throw HubError.badRequest("A space needs an sdk: gradio, streamlit, docker or static")
            }
        }
        let repo = try await repos.create(id, isPrivate: isPrivate, sdk: kind == .space ? body.sdk : nil, caller: caller)
        return JSONBody.response(
            object: CreateResponse(
                url: SiteURL.repo(repo.id).absolute(baseURL.url(for: request)), name: repo.id.path, id: String(repo.rowID)))
    }

    struct DeleteRequest: Decodable {
        let name: String?
        let organization: String?
        let type: String?
    }

    func delete(_ request: Request, context: HubRequestContext) async throws -> Response {
        guard let caller = try context.caller() else { throw HubError.authenticationRequired }
        let body = try await request.decodeJSON(DeleteRequest.self, context: context)
        let kind = try RepoKind(apiType: body.type)
        let (namespace, name) = try Self.split(name: body.name, organization: body.organization, caller: caller)
        let id: RepoID
        do {
            id = try RepoID(kind: kind, namespace: namespace, name: name)
        } catch {
            throw HubError.repoNotFound
        }
        try await repos.delete(id, caller: caller)
        return Response(status: .ok)
    }

    /// huggingface_hub sends `organization: null` for an id without a namespace (the caller's own),
    /// and older clients send `name: "ns/name"`.
    static func split(name: String?, organization: String?, caller: Caller) throws(HubError) -> (String, String) {
        guard let name, !name.isEmpty else { throw HubError.badRequest("The field 'name' is required") }
        if let organization, !organization.isEmpty { return (organization, name) }
        let parts = name.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2 { return (String(parts[0]), String(parts[1])) }
        return (caller.user.name.value, name)
    }

    /// nil: the request left it to the namespace's default.
    static func isPrivate(_ body: CreateRequest) throws(HubError) -> Bool? {
        switch body.visibility {
        case nil: return body.private
        case "public": return false
        case "private": return true
        case let other?:
            throw HubError.badRequest("Invalid visibility '\(HubName.printable(other))': expected public or private")
        }
    }

}
