/// A ref and the commit it leads to.
public struct GitRefTarget: Sendable, Equatable {
    /// The full name: `refs/heads/main`, `refs/tags/v1`, `refs/pr/1`, `refs/convert/parquet`.
    public let name: String
    public let commit: String

    public init(name: String, commit: String) {
        self.name = name
        self.commit = commit
    }
}
