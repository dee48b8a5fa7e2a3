import HubCore
import HubHTTP
import HubServices

extension HubRequestContext {
    /// Who a web page is for: the session's user, or whoever the `Authorization` header names.
    func webCaller() throws -> Caller? {
        if let webSession { return webSession.caller }
        return try caller()
    }

    /// The signed-in user, for pages and forms that need one (`WebErrorMiddleware` sends a browser
    /// without a session to the sign-in page).
    func sessionCaller() throws -> Caller {
        guard let webSession else { throw HubError.authenticationRequired }
        return webSession.caller
    }
}
