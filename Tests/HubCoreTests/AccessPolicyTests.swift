import Foundation
import HubCore
import Testing

/// One test per rule of `AccessPolicy`: each names the caller and what they may do.
@Suite struct AccessPolicyTests {
    static let epoch = Date(timeIntervalSince1970: 0)
    static let acme = Organization(
        id: 1, name: try! HubName("acme"), fullname: "Acme", privateByDefault: false, createdAt: epoch)

    static func user(_ id: Int64, _ name: String, admin: Bool = false) -> User {
        User(id: id, name: try! HubName(name), fullname: name, email: nil, isAdmin: admin, createdAt: epoch)
    }

    static func caller(
        _ user: User, role: TokenRole = .write, scopes: [TokenScope] = [], acmeRole: OrgRole? = nil
    ) -> Caller {
        Caller(
            user: user, token: AccessToken(id: 1, userID: user.id, name: "t", role: role, scopes: scopes, createdAt: epoch),
            memberships: acmeRole.map { [OrgMembership(org: acme, role: $0)] } ?? [])
    }

    static func repo(_ namespace: String, _ name: String, private isPrivate: Bool, creator: Int64? = nil) -> RepoInfo {
        RepoInfo(
            rowID: 1, id: try! RepoID(kind: .model, namespace: namespace, name: name), isPrivate: isPrivate, sdk: nil,
            creatorID: creator, headCommit: nil, createdAt: epoch, lastModified: epoch)
    }

    let alice = Self.user(10, "alice")
    let bob = Self.user(11, "bob")
    let privateOrgRepo = Self.repo("acme", "secret", private: true, creator: 10)
    let publicOrgRepo = Self.repo("acme", "open", private: false, creator: 10)

    @Test func anonymousReadsPublicRepositoriesOnly() {
        #expect(AccessPolicy.access(to: publicOrgRepo, caller: nil) == .read)
        #expect(AccessPolicy.access(to: privateOrgRepo, caller: nil) == RepoAccess.none)
    }

    @Test func outsiderSeesNothingPrivate() {
        #expect(AccessPolicy.access(to: privateOrgRepo, caller: Self.caller(bob)) == RepoAccess.none)
        #expect(AccessPolicy.access(to: publicOrgRepo, caller: Self.caller(bob)) == .read)
    }

    @Test func ownerAdministersTheirNamespace() {
        let own = Self.repo("alice", "mine", private: true)
        #expect(AccessPolicy.access(to: own, caller: Self.caller(alice)) == .administer)
        #expect(AccessPolicy.mayCreate(in: try! HubName("Alice"), caller: Self.caller(alice)))
        #expect(!AccessPolicy.mayCreate(in: try! HubName("bob"), caller: Self.caller(alice)))
    }

    @Test func readMemberReadsButCannotWriteOrCreate() {
        let caller = Self.caller(bob, acmeRole: .read)
        #expect(AccessPolicy.access(to: privateOrgRepo, caller: caller) == .read)
        #expect(!AccessPolicy.mayCreate(in: Self.acme.name, caller: caller))
    }

    @Test func contributorWritesOnlyTheRepositoriesTheyCreated() {
        let caller = Self.caller(bob, acmeRole: .contributor)
        let theirs = Self.repo("acme", "bobs", private: true, creator: bob.id)
        #expect(AccessPolicy.access(to: theirs, caller: caller) == .write)
        #expect(AccessPolicy.access(to: privateOrgRepo, caller: caller) == .read)
        #expect(AccessPolicy.mayCreate(in: Self.acme.name, caller: caller))
        #expect(!AccessPolicy.mayManage(org: Self.acme.name, caller: caller))
    }

    @Test func writeMemberAdministersEveryRepositoryButNotMembers() {
        let caller = Self.caller(bob, acmeRole: .write)
        #expect(AccessPolicy.access(to: privateOrgRepo, caller: caller) == .administer)
        #expect(!AccessPolicy.mayManage(org: Self.acme.name, caller: caller))
    }

    @Test func adminMemberManagesMembers() {
        #expect(AccessPolicy.mayManage(org: Self.acme.name, caller: Self.caller(bob, acmeRole: .admin)))
        #expect(!AccessPolicy.mayManage(org: Self.acme.name, caller: Self.caller(bob, role: .read, acmeRole: .admin)))
    }

    @Test func readTokenOnlyReadsWhateverItsUserMayDo() {
        let caller = Self.caller(bob, role: .read, acmeRole: .admin)
        #expect(AccessPolicy.access(to: privateOrgRepo, caller: caller) == .read)
        #expect(!AccessPolicy.mayCreate(in: Self.acme.name, caller: caller))
    }

    @Test func fineGrainedTokenIsLimitedToItsScopes() {
        let other = Self.repo("acme", "other", private: true, creator: 10)
        let scoped = Self.caller(
            bob, role: .fineGrained,
            scopes: [TokenScope(entity: .repo(privateOrgRepo.id), permission: .write)], acmeRole: .write)
        #expect(AccessPolicy.access(to: privateOrgRepo, caller: scoped) == .administer)
        #expect(AccessPolicy.access(to: other, caller: scoped) == RepoAccess.none)
        // Public repositories stay readable, as to anyone.
        #expect(AccessPolicy.access(to: publicOrgRepo, caller: scoped) == .read)
        #expect(!AccessPolicy.mayCreate(in: Self.acme.name, caller: scoped))
    }

    @Test func fineGrainedScopeNeverExceedsTheUser() {
        let scoped = Self.caller(
            bob, role: .fineGrained, scopes: [TokenScope(entity: .org(Self.acme.name), permission: .write)], acmeRole: .read)
        #expect(AccessPolicy.access(to: privateOrgRepo, caller: scoped) == .read)
        #expect(!AccessPolicy.mayCreate(in: Self.acme.name, caller: scoped))
        let outsider = Self.caller(
            bob, role: .fineGrained, scopes: [TokenScope(entity: .org(Self.acme.name), permission: .write)])
        #expect(AccessPolicy.access(to: privateOrgRepo, caller: outsider) == RepoAccess.none)
    }

    @Test func siteAdminAdministersEverything() {
        let admin = Self.caller(Self.user(12, "root", admin: true))
        #expect(AccessPolicy.access(to: privateOrgRepo, caller: admin) == .administer)
        #expect(AccessPolicy.mayManage(org: Self.acme.name, caller: admin))
        #expect(AccessPolicy.privateVisibility(for: admin).all)
    }

    @Test func listingsShowThePrivateRepositoriesTheCallerMayRead() {
        #expect(AccessPolicy.privateVisibility(for: nil) == .none)
        let member = AccessPolicy.privateVisibility(for: Self.caller(bob, acmeRole: .read))
        #expect(member.namespaces == ["bob", "acme"] && !member.all)
        let scoped = AccessPolicy.privateVisibility(
            for: Self.caller(
                bob, role: .fineGrained, scopes: [TokenScope(entity: .repo(privateOrgRepo.id), permission: .read)],
                acmeRole: .read))
        #expect(scoped.namespaces.isEmpty && scoped.repos == [privateOrgRepo.id])
    }
}
