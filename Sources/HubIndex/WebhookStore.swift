import Foundation
import HubCore

/// Webhooks and the payloads on their way to them. A payload is written in the transaction-free
/// moment after the change it reports, and sent later by whichever instance claims it first.
public protocol WebhookStore: Sendable {
    func create(_ webhook: Webhook) async throws
    /// Replaces the webhook's url, secret, watched items, domains and disabled flag.
    func update(_ webhook: Webhook) async throws
    func delete(id: String) async throws -> Bool
    func webhook(id: String) async throws -> Webhook?
    func webhooks(ownerID: Int64) async throws -> [Webhook]
    /// Every webhook that is not disabled.
    func enabledWebhooks() async throws -> [Webhook]

    /// Queues `payload` for the webhook, due at once.
    func enqueue(webhookID: String, payload: String, at date: Date) async throws
    /// Up to `limit` deliveries due at `now`, claimed for `lease` seconds (their next attempt moved
    /// that far): another instance does not send them meanwhile. Only the oldest undelivered
    /// payload of each webhook is ever claimable, so a webhook receives its payloads in the order
    /// of the changes, whichever instances send them (a failing one holds the next back until it
    /// is delivered or given up).
    func claimDue(now: Date, lease: TimeInterval, limit: Int) async throws -> [WebhookDelivery]
    /// Records an attempt: its status or error, and when to try again (nil: delivered, or given up).
    func recordAttempt(
        deliveryID: Int64, status: Int?, error: String?, nextAttemptAt: Date?, deliveredAt: Date?
    ) async throws
    /// The webhook's latest deliveries, newest first.
    func deliveries(webhookID: String, limit: Int) async throws -> [WebhookDelivery]
}
