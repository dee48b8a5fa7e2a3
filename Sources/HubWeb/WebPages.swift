import Foundation
import HTTPTypes
import Hummingbird
import HubCore
import HubHTTP
import Mustache

/// The web UI's templates (`Public/*.mustache`, bundled with this module) and how a page goes
/// out: HTML escaped by Mustache (`{{value}}`; the only unescaped value is a card that cmark-gfm
/// rendered in safe mode), a strict Content-Security-Policy, and errors as HTML pages with the
/// API's status codes (`WebErrorMiddleware`).
struct WebPages: Sendable {
    let library: MustacheLibrary

    /// No inline script or style, no other origin, no framing: a page can only use the hub's own
    /// stylesheet and images.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    init() {
        var library = MustacheLibrary()
        // SwiftPM copies the files of Public/ (linked into this target) to the bundle's root.
        if let folder = Bundle.module.resourceURL,
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        {
            for name in names where name.hasSuffix(".mustache") {
                guard let text = try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8) else { continue }
                do {
                    try library.register(text, named: String(name.dropLast(".mustache".count)))
                } catch {
                    preconditionFailure("template \(name) does not parse: \(error)")
                }
            }
        }
        self.library = library
    }

    /// A static Space's page also frames the app, which runs sandboxed (its `app/` files carry the sandbox).
    static let framingContentSecurityPolicy = contentSecurityPolicy + "; frame-src 'self'"

    /// Renders a page for whoever asked: the layout shows the signed-in user, and forms carry
    /// the session's CSRF token.
    func render(
        _ template: String, _ view: [String: Any], context: HubRequestContext, status: HTTPResponse.Status = .ok,
        policy: String = contentSecurityPolicy
    ) -> Response {
        var view = view
        if let session = context.webSession {
            view["viewer"] = ["name": session.caller.user.name.value, "csrf": session.csrfToken]
            view["csrf"] = session.csrfToken
        }
        return render(template, view, status: status, policy: policy)
    }

    func render(
        _ template: String, _ object: Any, status: HTTPResponse.Status = .ok, policy: String = contentSecurityPolicy
    ) -> Response {
        let html = library.render(object, withTemplate: template) ?? "template \(template) is missing"
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.contentSecurityPolicy] = policy
        headers[.xContentTypeOptions] = "nosniff"
        headers[.referrerPolicy] = "same-origin"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// A failure as the error page, with the status the API would send.
    func errorPage(_ error: HubError) -> Response {
        let status = HubErrorResponse.status(of: error)
        // A private repository the caller may not see is missing, like on every other surface.
        return render("error", ["status": "\(status.code) \(status.reasonPhrase)", "message": error.message], status: status)
    }
}

extension HTTPField.Name {
    static let contentSecurityPolicy = Self("Content-Security-Policy")!
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}
