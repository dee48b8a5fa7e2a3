import HubCore

extension Hub {
    /// Reads one grant of a fine-grained token, as the CLI and the web UI take it:
    /// `alice=read`, `acme=write` (every repository of a user or an org), `alice/bert=write`
    /// (a model), `datasets/acme/news=read`, `spaces/acme/demo=write`.
    public func tokenScope(_ text: String) async throws -> TokenScope {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let permission = TokenScope.Permission(rawValue: parts[1]) else {
            throw HubError.badRequest("A scope is ENTITY=read or ENTITY=write, not '\(HubName.printable(text))'")
        }
        var path = parts[0].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var kind = RepoKind.model
        if path.count == 3, let prefixed = RepoKind.allCases.first(where: { $0 != .model && $0.plural == path[0] }) {
            kind = prefixed
            path.removeFirst()
        }
        switch path.count {
        case 1:
            let name = try HubName(path[0])
            switch try await repos.namespace(named: name) {
            case .user?: return TokenScope(entity: .user(name), permission: permission)
            case .org?: return TokenScope(entity: .org(name), permission: permission)
            case nil: throw HubError.userNotFound(name.value)
            }
        case 2:
            return TokenScope(entity: .repo(try RepoID(kind: kind, namespace: path[0], name: path[1])), permission: permission)
        default:
            throw HubError.badRequest("Unknown scope entity '\(HubName.printable(parts[0]))'")
        }
    }
}
