/// What a caller may do with a repository, from least to most.
public enum RepoAccess: Int, Sendable, Comparable {
    /// Nothing: to this caller the repository does not exist.
    case none
    /// Read its files, refs, metadata; clone; download.
    case read
    /// Also push, commit, create branches and tags, upload LFS objects, lock files.
    case write
    /// Also delete it, rename or move it, change its visibility.
    case administer

    public static func < (lhs: RepoAccess, rhs: RepoAccess) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}

/// Which private repositories a listing may show a caller.
public struct PrivateVisibility: Sendable, Equatable {
    /// Every private repository (site admins).
    public var all: Bool
    /// The private repositories of these namespaces (name keys).
    public var namespaces: Set<String>
    /// These private repositories.
    public var repos: [RepoID]

    public static let none = PrivateVisibility(all: false, namespaces: [], repos: [])

    public init(all: Bool, namespaces: Set<String>, repos: [RepoID]) {
        self.all = all
        self.namespaces = namespaces
        self.repos = repos
    }
}

/// The one place that decides who may do what. Every route family (REST API, `/resolve/` and
/// `/raw/`, git, LFS) asks through the services, which ask here.
///
/// What a caller may do is the smaller of what their user may do and what the token allows:
/// - the user: a site admin administers everything; a user administers their own namespace;
///   an org member gets their role's rights in the org (`contributor`: write to the repositories
///   they created, read the others); anyone reads public repositories;
/// - the token: `read` reads, `write` does all the user may, `fineGrained` reads or writes only
///   what its scopes cover (writing includes administering). Public repositories stay readable
///   to every token, as they are to anonymous callers.
public enum AccessPolicy {
    public static func access(to repo: RepoInfo, caller: Caller?) -> RepoAccess {
        let publicFloor: RepoAccess = repo.isPrivate ? .none : .read
        guard let caller else { return publicFloor }
        return max(min(userAccess(to: repo, caller: caller), tokenAccess(to: repo.id, token: caller.token)), publicFloor)
    }

    static func userAccess(to repo: RepoInfo, caller: Caller) -> RepoAccess {
        let user = caller.user
        if user.isAdmin || user.name.key == repo.id.namespace.key { return .administer }
        switch caller.role(in: repo.id.namespace) {
        case .admin?, .write?: return .administer
        case .contributor?: return repo.creatorID == user.id ? .write : .read
        case .read?: return .read
        case nil: return repo.isPrivate ? .none : .read
        }
    }

    static func tokenAccess(to repo: RepoID, token: AccessToken) -> RepoAccess {
        switch token.role {
        case .read: return .read
        case .write: return .administer
        case .fineGrained:
            let covering = token.scopes.filter { $0.covers(repo) }
            if covering.contains(where: { $0.permission == .write }) { return .administer }
            return covering.isEmpty ? .none : .read
        }
    }

    /// Whether `caller` passes a gated repository's gate without an access request: whoever would
    /// read it were it private (its owner, its organization's members, site admins), as far as
    /// the token reaches.
    public static func passesGate(of repo: RepoInfo, caller: Caller) -> Bool {
        let user = caller.user
        let member = user.isAdmin || user.name.key == repo.id.namespace.key || caller.role(in: repo.id.namespace) != nil
        return member && tokenAccess(to: repo.id, token: caller.token) >= .read
    }

    /// Whether `caller` may take part in a repository's community: open discussions and pull
    /// requests, comment, and push to the pull requests they opened. As on the public hub,
    /// whoever may read a repository, with a token that may write something: a read token never
    /// writes, and a fine-grained token only where its scopes give it write access.
    public static func mayParticipate(in repo: RepoInfo, caller: Caller) -> Bool {
        guard access(to: repo, caller: caller) >= .read else { return false }
        switch caller.token.role {
        case .read: return false
        case .write: return true
        case .fineGrained: return tokenAccess(to: repo.id, token: caller.token) >= .write
        }
    }

    /// Whether the caller may create repositories in `namespace` (the namespace must exist;
    /// checking that is the caller's job).
    public static func mayCreate(in namespace: HubName, caller: Caller) -> Bool {
        let user = caller.user
        let userMay = user.isAdmin || user.name.key == namespace.key
            || (caller.role(in: namespace).map { $0 >= .contributor } ?? false)
        return userMay && tokenMayWrite(namespace: namespace, token: caller.token)
    }

    /// Whether the caller may manage the members and settings of the organization `org`.
    public static func mayManage(org: HubName, caller: Caller) -> Bool {
        (caller.user.isAdmin || caller.role(in: org) == .admin) && tokenMayWrite(namespace: org, token: caller.token)
    }

    /// Whether the caller may see an organization's member roles (its members and site admins).
    public static func maySeeRoles(of org: HubName, caller: Caller?) -> Bool {
        guard let caller else { return false }
        return caller.user.isAdmin || caller.role(in: org) != nil
    }

    static func tokenMayWrite(namespace: HubName, token: AccessToken) -> Bool {
        switch token.role {
        case .read: false
        case .write: true
        case .fineGrained:
            token.scopes.contains { $0.entity.namespace?.key == namespace.key && $0.permission == .write }
        }
    }

    /// The private repositories a listing may show the caller: the same ones `access` lets
    /// them read.
    public static func privateVisibility(for caller: Caller?) -> PrivateVisibility {
        guard let caller else { return .none }
        let user = caller.user
        let own = Set([user.name.key]).union(caller.roles.keys)
        switch caller.token.role {
        case .read, .write:
            return PrivateVisibility(all: user.isAdmin, namespaces: own, repos: [])
        case .fineGrained:
            let scopedNamespaces = Set(caller.token.scopes.compactMap { $0.entity.namespace?.key })
            let scopedRepos: [RepoID] = caller.token.scopes.compactMap {
                if case .repo(let id) = $0.entity { id } else { nil }
            }
            if user.isAdmin {
                return PrivateVisibility(all: false, namespaces: scopedNamespaces, repos: scopedRepos)
            }
            // A contributor reads every repository of their org, so namespaces decide it.
            return PrivateVisibility(
                all: false, namespaces: scopedNamespaces.intersection(own),
                repos: scopedRepos.filter { own.contains($0.namespace.key) })
        }
    }
}
