import HubCore
@testable import HubServices
import HubTesting
import Testing

/// `RepoService.grant`, the one access check every surface makes once per request: who is let
/// into which repository with which access, and the words a refusal is given in.
@Suite struct RepoGrantTests {
    let test: TestHub
    let owner: String
    let stranger: String

    init() async throws {
        test = try TestHub()
        owner = try await test.user("alice")
        stranger = try await test.user("mallory")
        try await test.repo("open", token: owner)
        try await test.repo("closed", isPrivate: true, token: owner)
    }

    func id(_ name: String) throws -> RepoID { try RepoID(kind: .model, namespace: "alice", name: name) }

    @Test func theOwnerAdministersTheirRepositories() async throws {
        let grant = try await test.hub.repos.grant(try id("closed"), caller: try await test.caller(owner), need: .administer)
        #expect(grant.access == .administer && grant.repo.isPrivate && grant.caller?.user.name.value == "alice")
    }

    @Test func aPrivateRepositoryIsMissingToStrangersAndAnonymousReaders() async throws {
        let mallory = try await test.caller(stranger)
        for caller in [mallory, nil] as [Caller?] {
            await #expect(throws: HubError.repoNotFound) { try await test.hub.repos.grant(try id("closed"), caller: caller) }
            await #expect(throws: HubError.repoNotFound) { try await test.hub.repos.grant(try id("nothing"), caller: caller) }
        }
    }

    @Test func writingWithoutCredentialsAsksForThemEvenWhereNothingIs() async throws {
        for name in ["open", "closed", "nothing"] {
            await #expect(throws: HubError.authenticationRequired) {
                try await test.hub.repos.grant(try id(name), caller: nil, need: .write)
            }
        }
    }

    @Test func aReaderIsRefusedAWriteInTheHubsWords() async throws {
        let mallory = try await test.caller(stranger)
        let read = try await test.hub.repos.grant(try id("open"), caller: mallory)
        #expect(read.access == .read)
        #expect(throws: HubError.forbidden("You don't have write access to alice/open")) { try read.require(.write) }
        let readToken = try await test.caller(try await test.readToken(for: "alice"))
        await #expect(throws: HubError.forbidden("This token has read access only: writing to alice/open needs a write token")) {
            try await test.hub.repos.grant(try id("open"), caller: readToken, need: .write)
        }
    }

    @Test func orgRolesGiveTheAccessTheyName() async throws {
        let bob = try await test.user("bob")
        _ = try await test.hub.orgs.create(name: "lab", fullname: nil, privateByDefault: true, owner: "alice", by: .siteOperator)
        let labRepo = try await test.hub.repos.create(
            try RepoID(kind: .model, namespace: "lab", name: "model"), isPrivate: nil, sdk: nil, caller: try await test.caller(owner))
        #expect(labRepo.isPrivate, "the org makes new repositories private")
        let bobCaller = try await test.caller(bob)
        await #expect(throws: HubError.repoNotFound) { try await test.hub.repos.grant(labRepo.id, caller: bobCaller) }
        // A contributor writes only to what they created; `write` members manage the org's
        // repositories, as on the public hub.
        let expected: [(OrgRole, RepoAccess)] = [(.read, .read), (.contributor, .read), (.write, .administer), (.admin, .administer)]
        for (role, access) in expected {
            try await test.hub.orgs.setRole(role, of: "bob", in: "lab", by: .siteOperator)
            let caller = try await test.caller(bob)
            #expect(try await test.hub.repos.grant(labRepo.id, caller: caller).access == access, "\(role)")
        }
    }
}
