import Foundation
import Hummingbird

/// The static files of the top-level `Public/` folder, bundled with this module: the landing page
/// at `/` and its assets under `/static/`.
struct PublicFiles {
    let folder: URL?

    init() {
        // SwiftPM copies the files of Public/ (linked into this target) to the bundle's root.
        folder = Bundle.module.resourceURL
    }

    func register(on router: Router<HubRequestContext>, baseURL: BaseURL) {
        router.get("/") { request, _ in
            try page("index.html", request: request, baseURL: baseURL)
        }
        router.get("/static/:file") { request, context in
            guard let file = context.parameters.get("file"), !file.hasPrefix("."), !file.contains("/") else {
                throw HTTPError(.notFound)
            }
            return try asset(file)
        }
    }

    /// An HTML page with `{{BASE_URL}}` filled in, so the instructions show this hub's own address.
    func page(_ name: String, request: Request, baseURL: BaseURL) throws -> Response {
        guard let folder, let text = try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8) else {
            throw HTTPError(.notFound)
        }
        let html = text.replacingOccurrences(of: "{{BASE_URL}}", with: Self.escapeHTML(baseURL.url(for: request)))
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    func asset(_ name: String) throws -> Response {
        guard let folder, let data = try? Data(contentsOf: folder.appendingPathComponent(name)) else {
            throw HTTPError(.notFound)
        }
        let types = ["css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8", "svg": "image/svg+xml", "png": "image/png"]
        let type = types[(name as NSString).pathExtension] ?? "application/octet-stream"
        return Response(status: .ok, headers: [.contentType: type], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func escapeHTML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
