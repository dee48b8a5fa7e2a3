/// What an access token may do: read public and own repositories, or also write to them.
public enum TokenRole: String, Sendable, Codable, CaseIterable {
    case read
    case write

    public var canWrite: Bool { self == .write }
}
