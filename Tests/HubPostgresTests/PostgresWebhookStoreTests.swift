import Foundation
import HubCore
import HubIndex
import Testing

@testable import HubPostgres

/// Webhooks on PostgreSQL: stored with their owner, and deliveries claimed once: two instances
/// claiming at the same moment never take the same payload.
@Suite(.enabled(if: PostgresTestDatabase.available, "needs MODELHUB_TEST_POSTGRES_URL: run under .ci/with-postgres"))
struct PostgresWebhookStoreTests {
    @Test func aWebhookRoundTripsAndADeliveryIsClaimedByOneInstanceAtATime() async throws {
        try await PostgresTestDatabase.withFreshIndex { index in
            let (alice, _) = try await PostgresAccountStore(index: index).createUser(
                name: try HubName("alice"), fullname: "", email: nil, isAdmin: false, passwordHash: nil, firstToken: nil)
            let store = PostgresWebhookStore(index: index)
            var webhook = Webhook(
                id: "0123456789abcdef01234567", ownerID: alice.id, ownerName: "alice", url: "http://127.0.0.1:9/hook",
                secret: "s", watched: [WebhookWatchedItem(type: "user", name: "alice")], domains: [.repo], disabled: false,
                createdAt: Date(timeIntervalSince1970: 1_700_000_000))
            try await store.create(webhook)
            #expect(try await store.webhook(id: webhook.id) == webhook)
            webhook.disabled = true
            webhook.domains = [.repo, .discussion]
            try await store.update(webhook)
            #expect(try await store.webhooks(ownerID: alice.id) == [webhook])
            #expect(try await store.enabledWebhooks().isEmpty)

            let other = Webhook(
                id: "fedcba9876543210fedcba98", ownerID: alice.id, ownerName: "alice", url: webhook.url, secret: nil,
                watched: webhook.watched, domains: [.repo], disabled: false, createdAt: webhook.createdAt)
            try await store.create(other)
            let now = Date()
            for payload in ["{\"n\":1}", "{\"n\":2}"] { try await store.enqueue(webhookID: webhook.id, payload: payload, at: now) }
            try await store.enqueue(webhookID: other.id, payload: "{\"other\":1}", at: now)
            async let first = store.claimDue(now: now, lease: 60, limit: 1)
            async let second = store.claimDue(now: now, lease: 60, limit: 1)
            let claims = try await [first, second].flatMap { $0 }
            // Two instances at once take different payloads; of one webhook's, only the oldest.
            #expect(Set(claims.map(\.payload)) == ["{\"n\":1}", "{\"other\":1}"])
            #expect(try await store.claimDue(now: now, lease: 60, limit: 10).isEmpty)
            let oldest = try #require(claims.first { $0.payload == "{\"n\":1}" })
            try await store.recordAttempt(
                deliveryID: oldest.id, status: 500, error: "the URL answered 500", nextAttemptAt: now, deliveredAt: nil)
            let retried = try await store.claimDue(now: now.addingTimeInterval(1), lease: 60, limit: 10)
            #expect(retried.map(\.id) == [oldest.id] && retried.first?.attempts == 1 && retried.first?.status == 500)
            try await store.recordAttempt(deliveryID: oldest.id, status: 200, error: nil, nextAttemptAt: nil, deliveredAt: now)
            #expect(try await store.claimDue(now: now.addingTimeInterval(1), lease: 60, limit: 10).map(\.payload) == ["{\"n\":2}"])
            #expect(try await store.deliveries(webhookID: webhook.id, limit: 10).count == 2)
            #expect(try await store.delete(id: webhook.id))
            #expect(try await store.deliveries(webhookID: webhook.id, limit: 10).isEmpty)
        }
    }
}
