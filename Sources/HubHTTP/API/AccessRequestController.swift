import Foundation
import Hummingbird
import HubCore
import HubServices

/// Access requests to gated repositories, as huggingface_hub manages them
/// (`list_pending_access_requests`, `…accepted…`, `…rejected…`, `accept_access_request`,
/// `reject_access_request`, `cancel_access_request`, `grant_access`: `hf_api.py`), and the
/// request a user makes (`…/ask-access`, the API side of the web page's form).
struct AccessRequestController {
    let repos: RepoService

    func register(on router: Router<HubRequestContext>) {
        for kind in RepoKind.allCases {
            let base = "/api/\(kind.plural)/:namespace/:name"
            let reads = router.group().add(middleware: RepoAssignmentMiddleware(repos: repos, kind: kind, need: .read))
            reads.get(RouterPath(base + "/user-access-request/:status")) { request, context in
                try await list(request, context: context)
            }
            reads.post(RouterPath(base + "/user-access-request/handle")) { request, context in
                try await handle(request, context: context)
            }
            reads.post(RouterPath(base + "/user-access-request/grant")) { request, context in
                let body = try await request.decodeJSON(GrantRequest.self, context: context)
                try await repos.grantAccess(try context.grantedRepo(), userName: body.user)
                return JSONBody.response(object: [String: String]())
            }
            reads.post(RouterPath(base + "/ask-access")) { request, context in
                try await ask(request, context: context)
            }
        }
    }

    /// An access request as `AccessRequest` (huggingface_hub `hf_api.py`) reads it.
    struct RequestJSON: Encodable {
        struct UserJSON: Encodable {
            let user: String
            let fullname: String
            let email: String?
        }
        let user: UserJSON
        let requestId: String
        let status: String
        let timestamp: String
        let fields: JSONValue?
    }

    func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        let text = try context.parameters.require("status")
        guard let status = AccessRequestStatus(rawValue: text) else {
            throw HubError.badRequest("Unknown status '\(HubName.printable(text))': use pending, accepted or rejected")
        }
        let requests = try await repos.accessRequests(try context.grantedRepo(), status: status)
        return JSONBody.response(
            object: requests.map { request in
                RequestJSON(
                    user: .init(user: request.user.name.value, fullname: request.user.fullname, email: request.user.email),
                    requestId: String(request.id), status: request.status.rawValue,
                    timestamp: HubDate.format(request.updatedAt), fields: request.fieldsJSON.map(JSONValue.rawJSON))
            })
    }

    struct HandleRequest: Decodable {
        let user: String?
        let requestId: String?
        let status: String
        let rejectionReason: String?
    }

    func handle(_ request: Request, context: HubRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(HandleRequest.self, context: context)
        guard let status = AccessRequestStatus(rawValue: body.status) else {
            throw HubError.badRequest("Unknown status '\(HubName.printable(body.status))': use pending, accepted or rejected")
        }
        if body.user != nil, body.requestId != nil {
            throw HubError.badRequest("Name the request's 'user' or its 'requestId', not both")
        }
        let requestID = try body.requestId.map { text in
            guard let id = Int64(text) else { throw HubError.entryNotFound("access request \(HubName.printable(text))") }
            return id
        }
        if let reason = body.rejectionReason, reason.utf8.count > 4096 {
            throw HubError.badRequest("A rejection reason has at most 4096 bytes")
        }
        try await repos.decideAccess(
            try context.grantedRepo(), userName: body.user, requestID: requestID, status: status,
            rejectionReason: body.rejectionReason)
        return JSONBody.response(object: [String: String]())
    }

    struct GrantRequest: Decodable {
        let user: String
    }

    /// The caller asks for access; the body, if any, is a JSON object of what they filled in.
    func ask(_ request: Request, context: HubRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: 64 << 10)
        var fields: String?
        if body.readableBytes > 0 {
            guard let object = try? JSONDecoder().decode([String: AnyJSON].self, from: Data(body.readableBytesView)) else {
                throw HubError.badRequest("The request body is not a JSON object of fields")
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            fields = object.isEmpty ? nil : String(decoding: try encoder.encode(object), as: UTF8.self)
        }
        let made = try await repos.requestAccess(try context.grantedRepo(), fieldsJSON: fields)
        return JSONBody.response(object: ["status": made.status.rawValue])
    }
}
