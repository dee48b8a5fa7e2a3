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
        guard let caller = try context.caller() else { throw HubError.invalidCredentials }
        let body = try await decode(CreateRequest.self, from: request, context: context)
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
                url: baseURL.url(for: request) + "/" + repo.id.webPath, name: repo.id.path, id: String(repo.rowID)))
    }

    struct DeleteRequest: Decodable {
        let name: String?
        let organization: String?
        let type: String?
    }

    func delete(_ request: Request, context: HubRequestContext) async throws -> Response {
        guard let caller = try context.caller() else { throw HubError.invalidCredentials }
        let body = try await decode(DeleteRequest.self, from: request, context: context)
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

    static func isPrivate(_ body: CreateRequest) throws(HubError) -> Bool {
        switch body.visibility {
        case nil: return body.private ?? false
        case "public": return false
        case "private": return true
        case let other?:
            throw HubError.badRequest("Invalid visibility '\(HubName.printable(other))': expected public or private")
        }
    }

    private func decode<Value: Decodable>(_ type: Value.Type, from request: Request, context: HubRequestContext) async throws -> Value {
        do {
            return try await request.decode(as: type, context: context)
        } catch let error as HTTPError where error.status == .badRequest {
            throw HubError.badRequest("The request body is not the JSON this endpoint expects")
        }
    }
}
