/// One grant of a fine-grained token: read or write on one repository, or on every repository
/// of a namespace (a user or an organization).
public struct TokenScope: Sendable, Hashable, CustomStringConvertible {
    public enum Entity: Sendable, Hashable {
        case user(HubName)
        case org(HubName)
        case repo(RepoID)

        /// The namespace a user or org scope covers.
        public var namespace: HubName? {
            switch self {
            case .user(let name), .org(let name): name
            case .repo: nil
            }
        }
    }

    public enum Permission: String, Sendable, CaseIterable {
        case read
        case write
    }

    public let entity: Entity
    public let permission: Permission

    public init(entity: Entity, permission: Permission) {
        self.entity = entity
        self.permission = permission
    }

    /// The form the CLI and the web UI take and show: `acme=write`, `alice/bert=read`,
    /// `datasets/acme/news=write`.
    public var description: String {
        switch entity {
        case .user(let name), .org(let name): "\(name.value)=\(permission.rawValue)"
        case .repo(let id): "\(id.webPath)=\(permission.rawValue)"
        }
    }

    /// Whether this scope covers `repo`.
    public func covers(_ repo: RepoID) -> Bool {
        switch entity {
        case .user(let name), .org(let name): name.key == repo.namespace.key
        case .repo(let id): id.sameRepository(as: repo)
        }
    }
}
