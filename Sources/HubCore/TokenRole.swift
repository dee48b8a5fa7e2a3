/// What an access token may do: read what its user may read; act as its user (write); or only
/// what its scopes grant, within what its user may do (fine-grained).
public enum TokenRole: String, Sendable, Codable, CaseIterable {
    case read
    case write
    case fineGrained
}
