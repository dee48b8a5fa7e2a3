/// Identifies one repository: its kind and `namespace/name`.
public struct RepoID: Sendable, Hashable, CustomStringConvertible {
    public let kind: RepoKind
    public let namespace: HubName
    public let name: HubName

    public init(kind: RepoKind, namespace: HubName, name: HubName) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    public init(kind: RepoKind, namespace: String, name: String) throws(HubError) {
        self.init(kind: kind, namespace: try HubName(namespace), name: try HubName(name))
    }

    /// `namespace/name`, as huggingface_hub writes repo ids.
    public var path: String { "\(namespace.value)/\(name.value)" }

    /// The path of the repository's web page and git remote: `datasets/ns/name` for a dataset.
    public var webPath: String { kind.urlPrefix + path }

    public var description: String { webPath }

    /// Two ids name the same repository when they match regardless of case.
    public func sameRepository(as other: RepoID) -> Bool {
        kind == other.kind && namespace.key == other.namespace.key && name.key == other.name.key
    }
}
