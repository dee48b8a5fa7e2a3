import HubCore

/// How every index stores a fine-grained token's scope: a kind (`user`, `org` or a repository
/// kind), the entity's name (`alice`, `alice/demo`) and the permission.
public enum TokenScopeColumns {
    public static func columns(of entity: TokenScope.Entity) -> (kind: String, entity: String) {
        switch entity {
        case .user(let name): ("user", name.value)
        case .org(let name): ("org", name.value)
        case .repo(let id): (id.kind.rawValue, "\(id.namespace.value)/\(id.name.value)")
        }
    }

    public static func scope(kind: String, entity: String, permission text: String) throws -> TokenScope {
        guard let permission = TokenScope.Permission(rawValue: text) else {
            throw HubError.internalFailure("token scope with an unknown permission")
        }
        let subject: TokenScope.Entity
        switch kind {
        case "user": subject = .user(try HubName(entity))
        case "org": subject = .org(try HubName(entity))
        default:
            guard let repoKind = RepoKind(rawValue: kind), let slash = entity.firstIndex(of: "/") else {
                throw HubError.internalFailure("token scope with an unknown entity \(kind)")
            }
            subject = .repo(try RepoID(
                kind: repoKind, namespace: String(entity[..<slash]), name: String(entity[entity.index(after: slash)...])))
        }
        return TokenScope(entity: subject, permission: permission)
    }
}
