import Foundation
import Hummingbird
import HubCore
import HubHTTP
import HubServices

/// A user's webhooks in the web UI (`/settings/webhooks`): the list, a form to add one, enable,
/// disable and delete buttons, and each webhook's delivery log.
struct WebWebhookController {
    let hub: Hub
    let pages: WebPages

    func register(on router: some RouterMethods<HubRequestContext>) {
        router.get("/settings/webhooks") { _, context in try await listPage(context: context) }
        router.post("/settings/webhooks") { request, context in try await create(request, context: context) }
        router.get("/settings/webhooks/:id") { _, context in try await deliveriesPage(context: context) }
        router.post("/settings/webhooks/:id/state") { request, context in
            let form = try await WebForm.read(request, context: context)
            _ = try await hub.webhooks.setDisabled(
                form["disabled"] == "true", id: try context.parameters.require("id"), caller: try context.sessionCaller())
            return Response.redirect(to: "/settings/webhooks", type: .normal)
        }
        router.post("/settings/webhooks/:id/delete") { request, context in
            _ = try await WebForm.read(request, context: context)
            try await hub.webhooks.delete(id: try context.parameters.require("id"), caller: try context.sessionCaller())
            return Response.redirect(to: "/settings/webhooks", type: .normal)
        }
    }

    func listPage(context: HubRequestContext, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let caller = try context.sessionCaller()
        var view: [String: Any] = [
            "tabWebhooks": true,
            "webhooks": try await hub.webhooks.list(caller: caller).map { webhook -> [String: Any] in
                [
                    "id": webhook.id, "url": webhook.url,
                    "watched": webhook.watched.map { "\($0.type) \($0.name)" }.joined(separator: ", "),
                    "domains": webhook.domains.map(\.rawValue).sorted().joined(separator: ", "),
                    "disabled": webhook.disabled, "toggle": webhook.disabled ? "false" : "true",
                    "toggleLabel": webhook.disabled ? "Enable" : "Disable", "csrf": context.webSession?.csrfToken ?? "",
                ]
            },
        ]
        if let error { view["error"] = error }
        return pages.render("webhooks", view, context: context, status: status)
    }

    /// Watched items are typed one per line: `user alice`, `org acme`, `model acme/bert`.
    func create(_ request: Request, context: HubRequestContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let caller = try context.sessionCaller()
        do {
            let watched = (form["watched"] ?? "").split(whereSeparator: \.isNewline).compactMap { line -> WebhookWatchedItem? in
                let parts = line.split(separator: " ", omittingEmptySubsequences: true)
                guard parts.count == 2 else { return parts.isEmpty ? nil : WebhookWatchedItem(type: String(line), name: "") }
                return WebhookWatchedItem(type: String(parts[0]), name: String(parts[1]))
            }
            let domains = WebhookDomain.allCases.filter { form[$0.rawValue] == "on" }
            _ = try await hub.webhooks.create(
                caller: caller, url: form["url"] ?? "", watched: watched, domains: domains.isEmpty ? [] : domains,
                secret: form["secret"])
            return Response.redirect(to: "/settings/webhooks", type: .normal)
        } catch let error as HubError {
            return try await listPage(context: context, error: error.message, status: HubErrorResponse.status(of: error))
        }
    }

    func deliveriesPage(context: HubRequestContext) async throws -> Response {
        let caller = try context.sessionCaller()
        let id = try context.parameters.require("id")
        let webhook = try await hub.webhooks.webhook(id: id, caller: caller)
        let deliveries = try await hub.webhooks.deliveries(id: id, caller: caller)
        let view: [String: Any] = [
            "tabWebhooks": true, "url": webhook.url,
            "deliveries": deliveries.map { delivery -> [String: Any] in
                let event = (try? JSONDecoder().decode(PayloadSummary.self, from: Data(delivery.payload.utf8)))
                return [
                    "when": HubDate.format(delivery.createdAt), "event": event.map { "\($0.event.scope) \($0.event.action)" } ?? "",
                    "repo": event?.repo.name ?? "", "attempts": delivery.attempts,
                    "outcome": delivery.deliveredAt != nil
                        ? "delivered (\(delivery.status ?? 200))"
                        : delivery.nextAttemptAt != nil ? "retrying: \(delivery.error ?? "waiting")" : "gave up: \(delivery.error ?? "")",
                ]
            },
        ]
        return pages.render("webhook_deliveries", view, context: context)
    }

    struct PayloadSummary: Decodable {
        struct Event: Decodable {
            let action: String
            let scope: String
        }
        struct Repo: Decodable {
            let name: String
        }
        let event: Event
        let repo: Repo
    }
}
