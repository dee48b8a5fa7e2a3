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
                avatarUrl: "", orgs: [],
                auth: .init(
                    type: "access_token",
                    accessToken: .init(
                        displayName: caller.token.name, role: caller.token.role.rawValue,
                        createdAt: HubDate.format(caller.token.createdAt)))))
    }
}

struct WhoAmI: Encodable {
    struct Auth: Encodable {
        struct Token: Encodable {
            let displayName: String
            let role: String
            let createdAt: String
        }
        let type: String
        let accessToken: Token
    }
    struct Org: Encodable {
        let name: String
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
