/// One thing `modelhub fsck` found wrong (or deliberately gone) in a hub.
public struct ConsistencyFinding: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The index has the repository; its folder is missing or unreadable.
        case missingRepository = "missing repository"
        /// A repository folder whose index row is gone.
        case unindexedRepository = "unindexed repository"
        /// A ref that leads to no commit.
        case unresolvableRef = "unresolvable ref"
        /// The index's head is not the default branch's commit.
        case staleHead = "stale head"
        /// A commit of a branch or tag points to an LFS object the hub cannot serve.
        case missingLFSObject = "missing LFS object"
        /// A commit points to an LFS object the repository's writers deleted on purpose.
        case deletedLFSObject = "deleted LFS object"
        /// A stored object whose bytes do not hash to its name, or are not its recorded size.
        case damagedLFSObject = "damaged LFS object"
    }

    public let kind: Kind
    /// The repository (`models/alice/demo`), folder or object it is about.
    public let subject: String
    public let detail: String
    /// Whether `--repair` put it right.
    public var repaired = false

    /// Everything but a deliberate deletion is damage.
    public var isDamage: Bool { kind != .deletedLFSObject }

    public init(_ kind: Kind, _ subject: String, _ detail: String) {
        self.kind = kind
        self.subject = subject
        self.detail = detail
    }

    public var description: String {
        "\(kind.rawValue): \(subject): \(detail)\(repaired ? " (repaired)" : "")"
    }
}
