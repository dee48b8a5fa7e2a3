/// The two smart-HTTP services, named as git names them.
public enum GitService: String, Sendable {
    case uploadPack = "git-upload-pack"
    case receivePack = "git-receive-pack"

    /// The `git` subcommand that serves it.
    public var subcommand: String { String(rawValue.dropFirst("git-".count)) }

    public var advertisementContentType: String { "application/x-\(rawValue)-advertisement" }
    public var requestContentType: String { "application/x-\(rawValue)-request" }
    public var resultContentType: String { "application/x-\(rawValue)-result" }

    /// What a caller needs to be let in: reading, for both. Pushing asks for more once the
    /// pusher is known: write access, or (for pull requests' refs only) leave to take part,
    /// which the push hook checks ref by ref.
    public var requiredAccess: RepoAccess { .read }
}
