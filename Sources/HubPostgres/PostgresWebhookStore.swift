import Foundation
import HubCore
import HubIndex
import PostgresNIO

public struct PostgresWebhookStore: WebhookStore {
    let index: PostgresIndex

    public init(index: PostgresIndex) {
        self.index = index
    }

    static let webhookColumns = """
        webhooks.id, webhooks.user_id, webhooks.url, webhooks.secret, webhooks.watched, webhooks.domains, webhooks.disabled,
        webhooks.created_at, users.name::text
        """
    static let fromWebhooks = "webhooks JOIN users ON users.id = webhooks.user_id"
    typealias WebhookRow = (String, Int64, String, String?, String, String, Bool, Int64, String)
    static let deliveryColumns =
        "id, webhook_id, payload, attempts, status, error, next_attempt_at, delivered_at, created_at"
    typealias DeliveryColumns = (Int64, String, String, Int32, Int32?, String?, Int64?, Int64?, Int64)

    public func create(_ webhook: Webhook) async throws {
        let columns = try WebhookColumns.encode(webhook)
        try await index.execute(
            """
            INSERT INTO webhooks (id, user_id, url, secret, watched, domains, disabled, created_at)
            VALUES (\(webhook.id), \(webhook.ownerID), \(webhook.url), \(webhook.secret), \(columns.watched),
                    \(columns.domains), \(webhook.disabled), \(HubDate.milliseconds(webhook.createdAt)))
            """)
    }

    public func update(_ webhook: Webhook) async throws {
        let columns = try WebhookColumns.encode(webhook)
        try await index.execute(
            """
            UPDATE webhooks SET url = \(webhook.url), secret = \(webhook.secret), watched = \(columns.watched),
                domains = \(columns.domains), disabled = \(webhook.disabled)
            WHERE id = \(webhook.id)
            """)
    }

    public func delete(id: String) async throws -> Bool {
        try await !index.rows("DELETE FROM webhooks WHERE id = \(id) RETURNING id", as: (String).self).isEmpty
    }

    public func webhook(id: String) async throws -> Webhook? {
        try await index.rows(
            "SELECT \(unescaped: Self.webhookColumns) FROM \(unescaped: Self.fromWebhooks) WHERE webhooks.id = \(id)", as: WebhookRow.self
        ).first.map(Self.webhook)
    }

    public func webhooks(ownerID: Int64) async throws -> [Webhook] {
        try await index.rows(
            "SELECT \(unescaped: Self.webhookColumns) FROM \(unescaped: Self.fromWebhooks) WHERE webhooks.user_id = \(ownerID) ORDER BY webhooks.created_at, webhooks.id",
            as: WebhookRow.self
        ).map(Self.webhook)
    }

    public func enabledWebhooks() async throws -> [Webhook] {
        try await index.rows(
            "SELECT \(unescaped: Self.webhookColumns) FROM \(unescaped: Self.fromWebhooks) WHERE NOT webhooks.disabled ORDER BY webhooks.id", as: WebhookRow.self
        ).map(Self.webhook)
    }

    public func enqueue(webhookID: String, payload: String, at date: Date) async throws {
        let now = HubDate.milliseconds(date)
        try await index.execute(
            """
            INSERT INTO webhook_deliveries (webhook_id, payload, next_attempt_at, created_at)
            VALUES (\(webhookID), \(payload), \(now), \(now))
            """)
    }

    public func claimDue(now: Date, lease: TimeInterval, limit: Int) async throws -> [WebhookDelivery] {
        let due = HubDate.milliseconds(now)
        let leased = HubDate.milliseconds(now.addingTimeInterval(lease))
        // SKIP LOCKED: instances claiming at once each take other rows.
        return try await index.rows(
            """
            UPDATE webhook_deliveries SET next_attempt_at = \(leased)
            WHERE id IN (
                SELECT id FROM webhook_deliveries d WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= \(due)
                  AND NOT EXISTS (
                      SELECT 1 FROM webhook_deliveries e
                      WHERE e.webhook_id = d.webhook_id AND e.next_attempt_at IS NOT NULL AND e.id < d.id)
                ORDER BY next_attempt_at, id LIMIT \(Int64(limit)) FOR UPDATE SKIP LOCKED
            )
            RETURNING \(unescaped: Self.deliveryColumns)
            """, as: DeliveryColumns.self
        ).map(Self.delivery).sorted { $0.id < $1.id }
    }

    public func recordAttempt(
        deliveryID: Int64, status: Int?, error: String?, nextAttemptAt: Date?, deliveredAt: Date?
    ) async throws {
        try await index.execute(
            """
            UPDATE webhook_deliveries SET attempts = attempts + 1, status = \(status.map { Int32($0) }), error = \(error),
                next_attempt_at = \(nextAttemptAt.map { HubDate.milliseconds($0) }),
                delivered_at = \(deliveredAt.map { HubDate.milliseconds($0) })
            WHERE id = \(deliveryID)
            """)
    }

    public func deliveries(webhookID: String, limit: Int) async throws -> [WebhookDelivery] {
        try await index.rows(
            """
            SELECT \(unescaped: Self.deliveryColumns) FROM webhook_deliveries WHERE webhook_id = \(webhookID)
            ORDER BY id DESC LIMIT \(Int64(limit))
            """, as: DeliveryColumns.self
        ).map(Self.delivery)
    }

    static func webhook(_ row: WebhookRow) -> Webhook {
        Webhook(
            id: row.0, ownerID: row.1, ownerName: row.8, url: row.2, secret: row.3,
            watched: WebhookColumns.watched(row.4), domains: WebhookColumns.domains(row.5),
            disabled: row.6, createdAt: HubDate.date(milliseconds: row.7))
    }

    static func delivery(_ row: DeliveryColumns) -> WebhookDelivery {
        WebhookDelivery(
            id: row.0, webhookID: row.1, payload: row.2, attempts: Int(row.3), status: row.4.map(Int.init), error: row.5,
            nextAttemptAt: row.6.map { HubDate.date(milliseconds: $0) }, deliveredAt: row.7.map { HubDate.date(milliseconds: $0) },
            createdAt: HubDate.date(milliseconds: row.8))
    }
}
