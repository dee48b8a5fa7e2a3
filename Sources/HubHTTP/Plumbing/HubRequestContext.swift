import Hummingbird
import NIOCore
import HubCore
import HubServices

/// The per-request state: Hummingbird's own, plus who is calling.
public struct HubRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `AuthenticationMiddleware` from the `Authorization` header.
    public var authentication: Authentication = .anonymous
    /// The web UI's session and its CSRF token, read from the cookie by `WebSessionMiddleware` on
    /// the web pages' routes only: the API, git and LFS authenticate by header alone, so a cookie
    /// never authorises them.
    public var webSession: (caller: Caller, csrfToken: String)?
    /// The client's connection: whether it is still open (a git process serving a client that
    /// left is stopped), and the address anonymous callers are counted by.
    public let connection: any Channel
    /// The id the client gave this request (`X-Request-Id` or `X-Amzn-Trace-Id`), set by
    /// `RequestIDMiddleware`.
    public var clientRequestID: String?

    /// The repository the route names, resolved and access-checked once by
    /// `RepoAssignmentMiddleware` on the route groups that name one.
    public var repoGrant: RepoGrant?

    /// What `ObservedResponder` reports of this request once answered (nil when the router is
    /// used without it, as some tests do).
    public var record: RequestRecord?

    /// The id this request is known by in answers, logs and error messages.
    public var requestID: String { clientRequestID ?? id }

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        connection = source.channel
    }

    /// The caller, or nil when no credentials were sent. Credentials that were sent but are not
    /// valid are an error, never silently anonymous.
    public func caller() throws -> Caller? {
        switch authentication {
        case .anonymous: nil
        case .caller(let caller): caller
        case .invalid: throw HubError.invalidCredentials
        }
    }
}

/// What the `Authorization` header of a request amounted to.
public enum Authentication: Sendable {
    case anonymous
    case caller(Caller)
    case invalid
}
