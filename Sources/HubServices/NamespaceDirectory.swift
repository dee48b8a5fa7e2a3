import HubCore
import HubIndex

/// A namespace that exists: a user's or an organization's.
public enum Namespace: Sendable {
    case user(User)
    case org(Organization)

    /// New repositories here are private unless their creator says otherwise.
    public var privateByDefault: Bool {
        switch self {
        case .user: false
        case .org(let org): org.privateByDefault
        }
    }
}

/// Finds out whether a name is a user or an organization (they share one set of names).
struct NamespaceDirectory: Sendable {
    let accounts: any AccountStore
    let orgs: any OrgStore

    func lookUp(_ name: HubName) async throws -> Namespace? {
        if let user = try await accounts.user(named: name.value) { return .user(user) }
        if let org = try await orgs.org(named: name.value) { return .org(org) }
        return nil
    }
}
