import HubCore
@testable import HubServices
import HubTesting
import Testing

/// Gated repositories at the service: who passes the gate, how requests move, and who may
/// manage them.
@Suite struct GatedRepoTests {
    let test: TestHub
    let alice: String
    let repo: RepoInfo

    init() async throws {
        test = try TestHub()
        alice = try await test.user("alice")
        repo = try await test.repo("llama", token: alice)
        try await test.hub.repos.setGated(try await grant(alice), mode: .manual)
    }

    func grant(_ token: String?) async throws -> RepoGrant {
        try await test.hub.repos.grant(repo.id, caller: try await token.asyncMap { try await test.caller($0) })
    }

    @Test func theGateLetsInItsOwnerAndMembersAndRefusesOthersByWhetherTheySignedIn() async throws {
        await #expect(throws: HubError.gatedRepo(repo.id, signedIn: false)) { try await test.hub.repos.requireFiles(try await grant(nil)) }
        let bob = try await test.user("bob")
        await #expect(throws: HubError.gatedRepo(repo.id, signedIn: true)) { try await test.hub.repos.requireFiles(try await grant(bob)) }
        try await test.hub.repos.requireFiles(try await grant(alice))
        let admin = try await test.user("root", admin: true)
        try await test.hub.repos.requireFiles(try await grant(admin))
        // A read token of the owner passes too; the gate is about people, not token roles.
        try await test.hub.repos.requireFiles(try await grant(try await test.readToken(for: "alice")))
    }

    @Test func aRequestIsPendingUntilAnAdminDecidesAndOnlyAdminsSeeOrDecide() async throws {
        let bob = try await test.user("bob")
        let made = try await test.hub.repos.requestAccess(try await grant(bob), fieldsJSON: #"{"why":"research"}"#)
        #expect(made.status == .pending && made.fieldsJSON == #"{"why":"research"}"#)
        await #expect(throws: HubError.self) { _ = try await test.hub.repos.accessRequests(try await grant(bob), status: .pending) }
        let owner = try await grant(alice)
        #expect(try await test.hub.repos.accessRequests(owner, status: .pending).map(\.user.name.value) == ["bob"])
        try await test.hub.repos.decideAccess(owner, userName: "bob", requestID: nil, status: .accepted, rejectionReason: "ignored")
        try await test.hub.repos.requireFiles(try await grant(bob))
        let accepted = try await test.hub.repos.accessRequests(owner, status: .accepted)
        #expect(accepted.map(\.user.name.value) == ["bob"] && accepted.first?.rejectionReason == nil)
        // By request id, back to rejected, with a reason.
        try await test.hub.repos.decideAccess(
            owner, userName: nil, requestID: made.id, status: .rejected, rejectionReason: "not now")
        #expect(try await test.hub.repos.accessRequests(owner, status: .rejected).first?.rejectionReason == "not now")
        await #expect(throws: HubError.gatedRepo(repo.id, signedIn: true)) { try await test.hub.repos.requireFiles(try await grant(bob)) }
        // Asking again keeps the decision.
        #expect(try await test.hub.repos.requestAccess(try await grant(bob), fieldsJSON: nil).status == .rejected)
        await #expect(throws: HubError.userNotFound("nobody")) {
            try await test.hub.repos.decideAccess(owner, userName: "nobody", requestID: nil, status: .accepted, rejectionReason: nil)
        }
        let carol = try await test.user("carol")
        _ = carol
        await #expect(throws: HubError.entryNotFound("access request of carol to alice/llama")) {
            try await test.hub.repos.decideAccess(owner, userName: "carol", requestID: nil, status: .accepted, rejectionReason: nil)
        }
        try await test.hub.repos.grantAccess(owner, userName: "carol")
        try await test.hub.repos.requireFiles(try await grant(carol))
    }

    @Test func anAutoGateAcceptsWhenAskedAndAnOpenRepositoryTakesNoRequests() async throws {
        try await test.hub.repos.setGated(try await grant(alice), mode: .auto)
        let bob = try await test.user("bob")
        #expect(try await test.hub.repos.requestAccess(try await grant(bob), fieldsJSON: nil).status == .accepted)
        try await test.hub.repos.requireFiles(try await grant(bob))
        try await test.hub.repos.setGated(try await grant(alice), mode: nil)
        try await test.hub.repos.requireFiles(try await grant(nil))
        await #expect(throws: HubError.badRequest("alice/llama is not gated: its files need no access request")) {
            _ = try await test.hub.repos.requestAccess(try await grant(bob), fieldsJSON: nil)
        }
        await #expect(throws: HubError.self) { try await test.hub.repos.setGated(try await grant(bob), mode: .auto) }
    }
}

extension Optional {
    func asyncMap<Mapped>(_ transform: (Wrapped) async throws -> Mapped) async rethrows -> Mapped? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
