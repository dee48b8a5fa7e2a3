import Foundation
import Hummingbird
import HubHTTP

/// The static files of the top-level `Public/` folder, bundled with this module: its assets under
/// `/static/` (the templates stay private).
struct PublicFiles {
    let folder: URL?

    init() {
        // SwiftPM copies the files of Public/ (linked into this target) to the bundle's root.
        folder = Bundle.module.resourceURL
    }

    func register(on router: Router<HubRequestContext>) {
        router.get("/static/:file") { request, context in
            guard let file = context.parameters.get("file"), !file.hasPrefix("."), !file.contains("/"),
                !file.hasSuffix(".mustache")
            else {
                throw HTTPError(.notFound)
            }
            return try asset(file)
        }
    }

    func asset(_ name: String) throws -> Response {
        guard let folder, let data = try? Data(contentsOf: folder.appendingPathComponent(name)) else {
            throw HTTPError(.notFound)
        }
        let types = ["css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8", "svg": "image/svg+xml", "png": "image/png"]
        let type = types[(name as NSString).pathExtension] ?? "application/octet-stream"
        return Response(status: .ok, headers: [.contentType: type], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
