import Foundation
import GRDB
import HubCore
import HubIndex

public struct SQLiteWebhookStore: WebhookStore {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    static let select = "SELECT webhooks.*, users.name AS owner_name FROM webhooks JOIN users ON users.id = webhooks.user_id"

    public func create(_ webhook: Webhook) async throws {
        let columns = try WebhookColumns.encode(webhook)
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO webhooks (id, user_id, url, secret, watched, domains, disabled, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    webhook.id, webhook.ownerID, webhook.url, webhook.secret, columns.watched, columns.domains,
                    webhook.disabled, RowDate.encode(webhook.createdAt),
                ])
        }
    }

    public func update(_ webhook: Webhook) async throws {
        let columns = try WebhookColumns.encode(webhook)
        try await database.write { db in
            try db.execute(
                sql: "UPDATE webhooks SET url = ?, secret = ?, watched = ?, domains = ?, disabled = ? WHERE id = ?",
                arguments: [webhook.url, webhook.secret, columns.watched, columns.domains, webhook.disabled, webhook.id])
        }
    }

    public func delete(id: String) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM webhooks WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    public func webhook(id: String) async throws -> Webhook? {
        try await database.read { db in
            try Row.fetchOne(db, sql: Self.select + " WHERE webhooks.id = ?", arguments: [id]).map(Self.webhook)
        }
    }

    public func webhooks(ownerID: Int64) async throws -> [Webhook] {
        try await database.read { db in
            try Row.fetchAll(db, sql: Self.select + " WHERE webhooks.user_id = ? ORDER BY webhooks.created_at, webhooks.id", arguments: [ownerID])
                .map(Self.webhook)
        }
    }

    public func enabledWebhooks() async throws -> [Webhook] {
        try await database.read { db in
            try Row.fetchAll(db, sql: Self.select + " WHERE webhooks.disabled = 0 ORDER BY webhooks.id").map(Self.webhook)
        }
    }

    public func enqueue(webhookID: String, payload: String, at date: Date) async throws {
        let now = RowDate.encode(date)
        try await database.write { db in
            try db.execute(
                sql: "INSERT INTO webhook_deliveries (webhook_id, payload, next_attempt_at, created_at) VALUES (?, ?, ?, ?)",
                arguments: [webhookID, payload, now, now])
        }
    }

    public func claimDue(now: Date, lease: TimeInterval, limit: Int) async throws -> [WebhookDelivery] {
        let (due, leased) = (RowDate.encode(now), RowDate.encode(now.addingTimeInterval(lease)))
        return try await database.write { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM webhook_deliveries d WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= ?
                      AND NOT EXISTS (
                          SELECT 1 FROM webhook_deliveries e
                          WHERE e.webhook_id = d.webhook_id AND e.next_attempt_at IS NOT NULL AND e.id < d.id)
                    ORDER BY next_attempt_at, id LIMIT ?
                    """,
                arguments: [due, limit])
            for row in rows {
                try db.execute(
                    sql: "UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?", arguments: [leased, row["id"] as Int64])
            }
            return rows.map(Self.delivery)
        }
    }

    public func recordAttempt(
        deliveryID: Int64, status: Int?, error: String?, nextAttemptAt: Date?, deliveredAt: Date?
    ) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE webhook_deliveries SET attempts = attempts + 1, status = ?, error = ?, next_attempt_at = ?,
                        delivered_at = ?
                    WHERE id = ?
                    """,
                arguments: [status, error, nextAttemptAt.map(RowDate.encode), deliveredAt.map(RowDate.encode), deliveryID])
        }
    }

    public func deliveries(webhookID: String, limit: Int) async throws -> [WebhookDelivery] {
        try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM webhook_deliveries WHERE webhook_id = ? ORDER BY id DESC LIMIT ?",
                arguments: [webhookID, limit]
            ).map(Self.delivery)
        }
    }

    static func webhook(_ row: Row) throws -> Webhook {
        Webhook(
            id: row["id"], ownerID: row["user_id"], ownerName: row["owner_name"], url: row["url"], secret: row["secret"],
            watched: WebhookColumns.watched(row["watched"]), domains: WebhookColumns.domains(row["domains"]),
            disabled: row["disabled"], createdAt: RowDate.decode(row["created_at"]))
    }

    static func delivery(_ row: Row) -> WebhookDelivery {
        WebhookDelivery(
            id: row["id"], webhookID: row["webhook_id"], payload: row["payload"], attempts: row["attempts"],
            status: row["status"], error: row["error"], nextAttemptAt: (row["next_attempt_at"] as Int64?).map(RowDate.decode),
            deliveredAt: (row["delivered_at"] as Int64?).map(RowDate.decode), createdAt: RowDate.decode(row["created_at"]))
    }
}
