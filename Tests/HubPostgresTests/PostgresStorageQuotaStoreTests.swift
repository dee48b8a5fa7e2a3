import HubCore
import HubIndex
import Testing

@testable import HubPostgres

/// Storage quotas on PostgreSQL: kept on the account's row (any case of its name finds it), and
/// a namespace's repositories with the LFS bytes each binds, what the quota is checked against.
@Suite(.enabled(if: PostgresTestDatabase.available, "needs MODELHUB_TEST_POSTGRES_URL: run under .ci/with-postgres"))
struct PostgresStorageQuotaStoreTests {
    @Test func aQuotaIsKeptOnItsUserOrOrganizationAndANameNoAccountHasTakesNone() async throws {
        try await PostgresTestDatabase.withFreshIndex { index in
            let accounts = PostgresAccountStore(index: index)
            let quotas = PostgresStorageQuotaStore(index: index)
            let (alice, _) = try await accounts.createUser(
                name: try HubName("Alice"), fullname: "", email: nil, isAdmin: false, passwordHash: nil, firstToken: nil)
            _ = try await PostgresOrgStore(index: index).createOrg(
                name: try HubName("acme"), fullname: "", privateByDefault: false, adminUserID: alice.id)
            #expect(try await quotas.storageQuota(of: try HubName("alice")) == nil)
            #expect(try await quotas.setStorageQuota(50_000_000_000, of: try HubName("ALICE")))
            #expect(try await quotas.setStorageQuota(1_000, of: try HubName("Acme")))
            #expect(try await quotas.setStorageQuota(1_000, of: try HubName("nobody")) == false)
            #expect(try await quotas.storageQuota(of: try HubName("alice")) == 50_000_000_000)
            #expect(try await quotas.storageQuota(of: try HubName("nobody")) == nil)
            #expect(try await quotas.storageQuotas().map { "\($0.namespace)=\($0.bytes)" } == ["acme=1000", "Alice=50000000000"])
            #expect(try await quotas.setStorageQuota(nil, of: try HubName("acme")))
            #expect(try await quotas.storageQuotas().map(\.namespace.value) == ["Alice"])
        }
    }

    @Test func aNamespacesRepositoriesComeWithTheLFSBytesEachBinds() async throws {
        try await PostgresTestDatabase.withFreshIndex { index in
            let repos = PostgresRepoStore(index: index)
            let lfs = PostgresLFSStore(index: index)
            let first = try await PostgresRepoStoreTests.create("alice/one", in: repos)
            let second = try await PostgresRepoStoreTests.create("Alice/two", isPrivate: true, in: repos)
            let other = try await PostgresRepoStoreTests.create("bob/one", in: repos)
            let shared = try LFSObjectID(String(repeating: "a", count: 64))
            try await lfs.bind(shared, size: 100, toRepo: first.rowID)
            try await lfs.bind(shared, size: 100, toRepo: second.rowID)
            try await lfs.bind(try LFSObjectID(String(repeating: "b", count: 64)), size: 20, toRepo: second.rowID)
            try await lfs.bind(try LFSObjectID(String(repeating: "c", count: 64)), size: 5, toRepo: other.rowID)
            let found = try await repos.repositories(inNamespace: try HubName("ALICE"))
            #expect(found.map(\.id.path) == ["alice/one", "Alice/two"])
            #expect(found.map(\.counters.lfsBytes) == [100, 120])
        }
    }
}
