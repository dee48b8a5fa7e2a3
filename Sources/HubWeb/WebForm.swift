import Foundation
import Hummingbird
import HubCore
import HubHTTP

/// A submitted HTML form (`application/x-www-form-urlencoded`), checked the way every
/// state-changing page request is: the `Origin` (when the browser sends one) is this hub, and
/// for a signed-in user the form carries the session's CSRF token.
struct WebForm {
    let fields: [String: String]

    static let maxSize = 64 * 1024

    /// Reads and checks the form. `needsSession` forms (everything but signing in and up) must
    /// come from a session and carry its token.
    static func read(_ request: Request, context: HubRequestContext, needsSession: Bool = true) async throws -> WebForm {
        try checkOrigin(request)
        let body = try await request.body.collect(upTo: maxSize)
        let fields = try FormURLEncoded.firstValues(body.readableBytesView)
        let form = WebForm(fields: fields)
        if needsSession {
            try checkCSRF(fields["csrf"], context: context)
        }
        return form
    }

    /// A browser names the page a form came from in `Origin`: it must be this hub.
    static func checkOrigin(_ request: Request) throws {
        if let origin = request.headers[.origin], let host = request.head.authority,
            URL(string: origin).map({ "\($0.host ?? "")\($0.port.map { ":\($0)" } ?? "")" }) != host
        {
            throw HubError.forbidden("This form was sent from another site")
        }
    }

    /// The form must come from a session and carry its token.
    static func checkCSRF(_ token: String?, context: HubRequestContext) throws {
        guard let session = context.webSession else { throw HubError.authenticationRequired }
        guard let token, same(token, session.csrfToken) else {
            throw HubError.forbidden("This form has expired: reload the page and try again")
        }
    }

    subscript(_ name: String) -> String? {
        fields[name]
    }

    /// Compares in constant time.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
