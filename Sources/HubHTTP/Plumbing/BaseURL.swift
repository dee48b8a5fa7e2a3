import HTTPTypes
import Hummingbird

/// The URL clients reach the hub at, for the links the hub returns (repo `url`, `commitUrl`).
/// huggingface_hub insists their host is the one in `HF_ENDPOINT`, so without a configured
/// `publicURL` the request's own `Host` header is used.
package struct BaseURL: Sendable {
    package let configured: String?

    package init(publicURL: String?) {
        configured = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    }

    package func url(for request: Request) -> String {
        if let configured { return configured }
        // NIO moves an HTTP/1 Host header into `authority`; a request built in-process may keep it as a field.
        let host = request.head.authority ?? request.headers[HTTPField.Name("Host")!] ?? "localhost"
        return "http://\(host)"
    }
}
