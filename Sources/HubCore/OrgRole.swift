/// A member's role in an organization, with the public hub's meaning (lowest first):
/// `read` reads the org's private repositories; `contributor` also creates repositories in the
/// org and writes to the ones they created; `write` writes to every repository of the org and
/// creates, deletes, renames them and changes their visibility; `admin` also manages members and
/// the org's settings.
public enum OrgRole: String, Sendable, CaseIterable, Comparable, Codable {
    case read
    case contributor
    case write
    case admin

    private var rank: Int {
        switch self {
        case .read: 0
        case .contributor: 1
        case .write: 2
        case .admin: 3
        }
    }

    public static func < (lhs: OrgRole, rhs: OrgRole) -> Bool {
        lhs.rank < rhs.rank
    }
}
