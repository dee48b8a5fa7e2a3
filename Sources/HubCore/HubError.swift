/// The failures a caller can act on. Each surface (HF JSON API, git, LFS, web) maps these to its
/// own wire format in one place; nothing below HubHTTP knows about status codes.
public enum HubError: Error, Sendable, Equatable {
    /// A user, organization or repository name breaks the naming rules.
    case invalidName(String)
    /// The request is malformed.
    case badRequest(String)
    /// No credentials were sent, and the resource needs them.
    case authenticationRequired
    /// The credentials that were sent are not valid.
    case invalidCredentials
    /// The caller is known but may not do this.
    case forbidden(String)
    /// The repository does not exist, or the caller may not see it (the two are never told apart).
    case repoNotFound
    /// The repository is gated and the caller (signed in or not) has no accepted access request.
    case gatedRepo(RepoID, signedIn: Bool)
    case revisionNotFound(String)
    /// No file or folder at this path; `atCommit` is the commit that was looked in, when the
    /// revision resolved (huggingface_hub caches the miss under it, from `X-Repo-Commit`).
    case entryNotFound(String, atCommit: String? = nil)
    case userNotFound(String)
    case orgNotFound(String)
    case tokenNotFound(String)
    /// A repository with this id already exists.
    case repoExists(RepoID)
    /// Another resource with this name already exists, or the write lost a race.
    case conflict(String)
    /// The write was based on a state that is no longer current (a stale `parentCommit`).
    case preconditionFailed(String)
    /// The request is well-formed but its content is refused (a path git would refuse, card
    /// metadata past the parser's limits).
    case unprocessable(String)
    /// The request body, or one part of it, is larger than this hub accepts.
    case payloadTooLarge(String)
    /// The data folder is full: nothing was written, and reads go on.
    case insufficientStorage
    /// The caller already has as many requests running as one client may.
    case tooManyRequests(String)
    /// The upstream hub this one mirrors did not answer, or answered with a failure: what was
    /// asked for has never been fetched, so there is nothing to serve instead.
    case upstreamFailed(String)
    /// Something broke inside the hub; the text is for the log, never for the wire.
    case internalFailure(String)

    /// The text that may be shown to the caller.
    public var message: String {
        switch self {
        case .invalidName(let text), .badRequest(let text), .forbidden(let text), .conflict(let text),
            .preconditionFailed(let text), .unprocessable(let text), .payloadTooLarge(let text),
            .tooManyRequests(let text), .upstreamFailed(let text):
            text
        case .insufficientStorage: "The hub's storage is full: nothing was written; try again later"
        case .authenticationRequired: "Authentication required"
        case .invalidCredentials: "Invalid credentials in Authorization header"
        case .repoNotFound: "Repository not found"
        // The public hub's words (huggingface_hub prints them with GatedRepoError).
        case .gatedRepo(let id, false):
            "Access to \(id.kind.rawValue) \(id.path) is restricted. You must have access to it and be authenticated to access it. Please log in."
        case .gatedRepo(let id, true):
            "Access to \(id.kind.rawValue) \(id.path) is restricted and you are not in the authorized list. Visit /\(id.webPath) to ask for access."
        case .revisionNotFound(let revision): "Invalid rev id: \(HubName.printable(revision))"
        case .entryNotFound(let path, _): "Entry not found: \(HubName.printable(path))"
        case .userNotFound(let name): "User '\(HubName.printable(name))' not found"
        case .orgNotFound(let name): "Organization '\(HubName.printable(name))' not found"
        case .tokenNotFound(let name): "Token '\(HubName.printable(name))' not found"
        case .repoExists(let id): "You already created this \(id.kind.rawValue) repo: \(id.path)"
        case .internalFailure: "Internal error"
        }
    }
}
