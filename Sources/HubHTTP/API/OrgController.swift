import Hummingbird
import HubCore
import HubServices

/// Organizations: `POST /api/organizations/new`, `GET …/{org}/overview` and `…/members` (what
/// `get_organization_overview` and `list_organization_members` call), and the admin routes that
/// add members, change roles, remove members and change settings.
struct OrgController {
    let orgs: OrgService
    let repos: RepoService
    let baseURL: BaseURL

    static let pageSize = 1000

    func register(on router: Router<HubRequestContext>) {
        router.post("/api/organizations/new") { request, context in try await create(request, context: context) }
        router.get("/api/organizations/:org/overview") { _, context in try await overview(context: context) }
        router.get("/api/organizations/:org/members") { request, context in try await members(request, context: context) }
        router.post("/api/organizations/:org/members") { request, context in try await addMember(request, context: context) }
        router.put("/api/organizations/:org/members/:user") { request, context in
            try await changeRole(request, context: context)
        }
        router.delete("/api/organizations/:org/members/:user") { _, context in
            let caller = try requireCaller(context)
            try await orgs.remove(try context.parameters.require("user"), from: try orgName(context), by: .caller(caller))
            return JSONBody.response(object: [String: String]())
        }
        router.put("/api/organizations/:org/settings") { request, context in try await settings(request, context: context) }
    }

    func orgName(_ context: HubRequestContext) throws -> String {
        try context.parameters.require("org")
    }

    func requireCaller(_ context: HubRequestContext) throws -> Caller {
        guard let caller = try context.caller() else { throw HubError.authenticationRequired }
        return caller
    }

    struct CreateRequest: Decodable {
        let name: String
        let fullname: String?
        let privateByDefault: Bool?
    }

    func create(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try requireCaller(context)
        let body = try await request.decodeJSON(CreateRequest.self, context: context)
        let org = try await orgs.create(
            name: body.name, fullname: body.fullname, privateByDefault: body.privateByDefault ?? false,
            owner: caller.user.name.value, by: .caller(caller))
        return JSONBody.response(object: try await overviewObject(org, caller: caller))
    }

    func overview(context: HubRequestContext) async throws -> Response {
        let org = try await orgs.org(named: try orgName(context))
        return JSONBody.response(object: try await overviewObject(org, caller: try context.caller()))
    }

    /// The fields `Organization` reads. Repository counts are those the caller can see.
    func overviewObject(_ org: Organization, caller: Caller?) async throws -> [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "_id": .string(String(org.id)),
            "name": .string(org.name.value),
            "fullname": .string(org.fullname),
            "avatarUrl": .string(""),
            "type": .string("org"),
            "isVerified": .bool(false),
            "numUsers": .encodable(try await orgs.members(of: org.name.value).count),
            "privateByDefault": .bool(org.privateByDefault),
        ]
        for (kind, key) in [(RepoKind.model, "numModels"), (.dataset, "numDatasets"), (.space, "numSpaces")] {
            fields[key] = .encodable(try await repos.count(kind: kind, author: org.name.value, caller: caller))
        }
        return fields
    }

    struct Member: Encodable {
        let _id: String
        let user: String
        let fullname: String
        let avatarUrl: String
        let type: String
        let isPro: Bool
        /// Shown to the org's members and to site admins only.
        let role: String?
    }

    func members(_ request: Request, context: HubRequestContext) async throws -> Response {
        let org = try await orgs.org(named: try orgName(context))
        let showRoles = AccessPolicy.maySeeRoles(of: org.name, caller: try context.caller())
        let pagination = try Pagination(request: request, limit: Self.pageSize)
        let members = try await orgs.members(of: org.name.value)
        let page = pagination.page(members).map {
            Member(
                _id: String($0.user.id), user: $0.user.name.value, fullname: $0.user.fullname, avatarUrl: "", type: "user",
                isPro: false, role: showRoles ? $0.role.rawValue : nil)
        }
        var response = JSONBody.response(object: Array(page))
        if let next = pagination.nextLink(total: members.count, request: request, baseURL: baseURL) {
            response.headers[.link] = next
        }
        return response
    }

    struct AddMemberRequest: Decodable {
        let user: String
        let role: String
    }

    struct RoleRequest: Decodable {
        let role: String
    }

    static func role(_ text: String) throws -> OrgRole {
        guard let role = OrgRole(rawValue: text) else {
            throw HubError.badRequest(
                "Unknown role '\(HubName.printable(text))': use \(OrgRole.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return role
    }

    func addMember(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try requireCaller(context)
        let body = try await request.decodeJSON(AddMemberRequest.self, context: context)
        try await orgs.setRole(try Self.role(body.role), of: body.user, in: try orgName(context), by: .caller(caller))
        return JSONBody.response(object: [String: String]())
    }

    func changeRole(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try requireCaller(context)
        let body = try await request.decodeJSON(RoleRequest.self, context: context)
        try await orgs.setRole(
            try Self.role(body.role), of: try context.parameters.require("user"), in: try orgName(context), by: .caller(caller))
        return JSONBody.response(object: [String: String]())
    }

    struct SettingsRequest: Decodable {
        let fullname: String?
        let privateByDefault: Bool?
    }

    func settings(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try requireCaller(context)
        let body = try await request.decodeJSON(SettingsRequest.self, context: context)
        let org = try await orgs.updateSettings(
            of: try orgName(context), fullname: body.fullname, privateByDefault: body.privateByDefault, by: .caller(caller))
        return JSONBody.response(object: try await overviewObject(org, caller: caller))
    }
}
