/// The two smart-HTTP services, named as git names them.
public enum GitService: String, Sendable {
    case uploadPack = "git-upload-pack"
    case receivePack = "git-receive-pack"

    /// The `git` subcommand that serves it.
    public var subcommand: String { String(rawValue.dropFirst("git-".count)) }

    public var advertisementContentType: String { "application/x-\(rawValue)-advertisement" }
    public var requestContentType: String { "application/x-\(rawValue)-request" }
    public var resultContentType: String { "application/x-\(rawValue)-result" }

    /// What a caller needs to run it: cloning and fetching read, pushing writes.
    public var requiredAccess: RepoAccess {
        switch self {
        case .uploadPack: .read
        case .receivePack: .write
        }
    }
}
