import Hummingbird
import HubCore
import HubServices

/// `/api/whoami-v2` and the side requests huggingface_hub makes on its own.
struct AccountAPIController {
    func register(on router: Router<HubRequestContext>) {
        router.get("/api/whoami-v2") { _, context in try whoami(context: context) }
        // huggingface_hub asks this once per process; an empty registry is cached for 24 hours.
        router.get("/api/agent-harnesses") { _, _ in
            JSONBody.response(object: AgentHarnesses(standardEnvVars: [], harnesses: [:]))
        }
    }

    func whoami(context: HubRequestContext) throws -> Response {
        guard let caller = try context.caller() else {
            throw HubError.invalidCredentials
        }
        let user = caller.user
        return JSONBody.response(
            object: WhoAmI(
                type: "user", id: String(user.id), name: user.name.value, fullname: user.fullname,
                email: user.email, emailVerified: user.email != nil, isPro: false, canPay: false,
                avatarUrl: "",
                orgs: caller.memberships.map {
                    WhoAmI.Org(
                        type: "org", id: String($0.org.id), name: $0.org.name.value, fullname: $0.org.fullname,
                        avatarUrl: "", roleInOrg: $0.role.rawValue)
                },
                auth: .init(
                    type: "access_token",
                    accessToken: .init(
                        displayName: caller.token.name, role: caller.token.role.rawValue,
                        createdAt: HubDate.format(caller.token.createdAt),
                        fineGrained: caller.token.role == .fineGrained ? .init(caller.token.scopes) : nil))))
    }
}

struct WhoAmI: Encodable {
    struct Auth: Encodable {
        struct Token: Encodable {
            let displayName: String
            let role: String
            let createdAt: String
            let fineGrained: FineGrained?
        }
        /// As the public hub reports a fine-grained token's grants.
        struct FineGrained: Encodable {
            struct Scoped: Encodable {
                struct Entity: Encodable {
                    let type: String
                    let name: String
                }
                let entity: Entity
                let permissions: [String]
            }
            let canReadGatedRepos: Bool
            let global: [String]
            let scoped: [Scoped]

            init(_ scopes: [TokenScope]) {
                canReadGatedRepos = false
                global = []
                scoped = scopes.map { scope in
                    let entity: Scoped.Entity
                    switch scope.entity {
                    case .user(let name): entity = .init(type: "user", name: name.value)
                    case .org(let name): entity = .init(type: "org", name: name.value)
                    case .repo(let id): entity = .init(type: id.kind.rawValue, name: id.path)
                    }
                    let permissions = scope.permission == .write
                        ? ["repo.content.read", "repo.write"] : ["repo.content.read"]
                    return Scoped(entity: entity, permissions: permissions)
                }
            }
        }
        let type: String
        let accessToken: Token
    }
    struct Org: Encodable {
        let type: String
        let id: String
        let name: String
        let fullname: String
        let avatarUrl: String
        let roleInOrg: String
    }
    let type: String
    let id: String
    let name: String
    let fullname: String
    let email: String?
    let emailVerified: Bool
    let isPro: Bool
    let canPay: Bool
    let avatarUrl: String
    let orgs: [Org]
    let auth: Auth
}

struct AgentHarnesses: Encodable {
    let standardEnvVars: [String]
    let harnesses: [String: String]
}
