import Foundation
import Hummingbird
import HubCore
import HubServices

/// `/api/settings/webhooks`, as huggingface_hub calls it (`create_webhook`, `list_webhooks`,
/// `get_webhook`, `update_webhook`, `enable_webhook`, `disable_webhook`, `delete_webhook`:
/// `hf_api.py`), and each webhook's delivery log (`…/{id}/deliveries`).
struct WebhookController {
    let webhooks: WebhookService

    func register(on router: Router<HubRequestContext>) {
        let routes = router.group(RouterPath("/api/settings/webhooks")).add(middleware: CallerRequiredMiddleware())
        routes.get { _, context in
            JSONBody.response(object: try await webhooks.list(caller: try caller(context)).map(WebhookJSON.init))
        }
        routes.post { request, context in
            let body = try await request.decodeJSON(WebhookRequest.self, context: context)
            guard body.jobSourceId == nil else { throw HubError.badRequest("This hub runs no Jobs: give the webhook a url") }
            guard let url = body.url else { throw HubError.badRequest("A webhook needs a url") }
            let webhook = try await webhooks.create(
                caller: try caller(context), url: url, watched: body.watched, domains: try body.parsedDomains(),
                secret: body.secret)
            return JSONBody.response(object: ["webhook": WebhookJSON(webhook)])
        }
        routes.get(":id") { _, context in
            let webhook = try await webhooks.webhook(id: try context.parameters.require("id"), caller: try caller(context))
            return JSONBody.response(object: ["webhook": WebhookJSON(webhook)])
        }
        routes.post(":id") { request, context in
            let body = try await request.decodeJSON(WebhookRequest.self, context: context)
            guard body.jobSourceId == nil else { throw HubError.badRequest("This hub runs no Jobs: give the webhook a url") }
            let webhook = try await webhooks.update(
                id: try context.parameters.require("id"), caller: try caller(context), url: body.url, watched: body.watched,
                domains: try body.parsedDomains(), secret: body.secret)
            return JSONBody.response(object: ["webhook": WebhookJSON(webhook)])
        }
        for (action, disabled) in [("enable", false), ("disable", true)] {
            routes.post(RouterPath(":id/\(action)")) { _, context in
                let webhook = try await webhooks.setDisabled(
                    disabled, id: try context.parameters.require("id"), caller: try caller(context))
                return JSONBody.response(object: ["webhook": WebhookJSON(webhook)])
            }
        }
        routes.delete(":id") { _, context in
            try await webhooks.delete(id: try context.parameters.require("id"), caller: try caller(context))
            return JSONBody.response(object: [String: String]())
        }
        routes.get(":id/deliveries") { _, context in
            let deliveries = try await webhooks.deliveries(id: try context.parameters.require("id"), caller: try caller(context))
            return JSONBody.response(object: deliveries.map(DeliveryJSON.init))
        }
    }

    func caller(_ context: HubRequestContext) throws -> Caller {
        guard let caller = try context.caller() else { throw HubError.authenticationRequired }
        return caller
    }

    struct WebhookRequest: Decodable {
        let url: String?
        let jobSourceId: String?
        let watched: [WebhookWatchedItem]
        let domains: [String]?
        let secret: String?

        func parsedDomains() throws -> [WebhookDomain]? {
            try domains.map { names in
                try names.map { name in
                    guard let domain = WebhookDomain(rawValue: name) else {
                        throw HubError.badRequest("Unknown domain '\(HubName.printable(name))': use repo or discussion")
                    }
                    return domain
                }
            }
        }
    }

    /// A webhook as `WebhookInfo` (huggingface_hub) reads it.
    struct WebhookJSON: Encodable {
        let id: String
        let url: String
        let watched: [WebhookWatchedItem]
        let domains: [String]
        let secret: String?
        let disabled: Bool
        let createdAt: String

        init(_ webhook: Webhook) {
            id = webhook.id
            url = webhook.url
            watched = webhook.watched
            domains = webhook.domains.map(\.rawValue).sorted()
            secret = webhook.secret
            disabled = webhook.disabled
            createdAt = HubDate.format(webhook.createdAt)
        }
    }

    /// One payload sent (or being retried) and how it went.
    struct DeliveryJSON: Encodable {
        let id: String
        let payload: JSONValue
        let attempts: Int
        let status: Int?
        let error: String?
        let delivered: Bool
        let nextAttemptAt: String?
        let createdAt: String

        init(_ delivery: WebhookDelivery) {
            id = String(delivery.id)
            payload = .rawJSON(delivery.payload)
            attempts = delivery.attempts
            status = delivery.status
            error = delivery.error
            delivered = delivery.deliveredAt != nil
            nextAttemptAt = delivery.nextAttemptAt.map(HubDate.format)
            createdAt = HubDate.format(delivery.createdAt)
        }
    }
}
