import Foundation
import HubCore
@testable import HubSQLite
import HubIndex
import HubTesting
import Testing

/// Webhooks on SQLite: stored with their owner's name, deliveries claimed for a lease and
/// retried after a failed attempt, removed with their webhook.
@Suite struct WebhookStoreTests {
    @Test func aDeliveryIsClaimedForItsLeaseAndRetriedAfterAFailure() async throws {
        let directory = try TemporaryDirectory()
        let database = try HubDatabase(path: directory.url.appendingPathComponent("hub.sqlite").path)
        let (alice, _) = try await SQLiteAccountStore(database: database).createUser(
            name: try HubName("alice"), fullname: "", email: nil, isAdmin: false, passwordHash: nil, firstToken: nil)
        let store = SQLiteWebhookStore(database: database)
        let webhook = Webhook(
            id: "0123456789abcdef01234567", ownerID: alice.id, ownerName: "alice", url: "http://127.0.0.1:9/hook", secret: nil,
            watched: [WebhookWatchedItem(type: "model", name: "alice/x")], domains: [.discussion], disabled: false,
            createdAt: Date(timeIntervalSince1970: 1_700_000_000))
        try await store.create(webhook)
        #expect(try await store.enabledWebhooks() == [webhook])
        let now = Date()
        try await store.enqueue(webhookID: webhook.id, payload: "{}", at: now)
        let claimed = try await store.claimDue(now: now, lease: 60, limit: 10)
        #expect(claimed.count == 1)
        #expect(try await store.claimDue(now: now.addingTimeInterval(30), lease: 60, limit: 10).isEmpty)
        try await store.recordAttempt(deliveryID: claimed[0].id, status: nil, error: "refused", nextAttemptAt: now, deliveredAt: nil)
        let again = try await store.claimDue(now: now.addingTimeInterval(1), lease: 60, limit: 10)
        #expect(again.first?.attempts == 1 && again.first?.error == "refused")
        try await store.recordAttempt(deliveryID: claimed[0].id, status: 200, error: nil, nextAttemptAt: nil, deliveredAt: now)
        #expect(try await store.claimDue(now: now.addingTimeInterval(3600), lease: 60, limit: 10).isEmpty)
        #expect(try await store.deliveries(webhookID: webhook.id, limit: 5).first?.deliveredAt != nil)
        #expect(try await store.delete(id: webhook.id))
        #expect(try await store.deliveries(webhookID: webhook.id, limit: 5).isEmpty)
    }
}
