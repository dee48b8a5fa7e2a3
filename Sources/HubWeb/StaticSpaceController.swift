import Foundation
import Hummingbird
import HubCore
import HubHTTP
import HubServices

/// Serves a `sdk: static` Space from its repository at `/spaces/{ns}/{name}/app/…` (the card's
/// `app_file`, or `index.html`, at `app/`).
///
/// A Space is anyone's HTML and script, served from the hub's own host, so every answer carries
/// `Content-Security-Policy: sandbox allow-scripts …` without `allow-same-origin`: the browser
/// runs it in an opaque origin, where it cannot read the hub's cookies or storage, and its requests
/// to the hub are cross-site, so the session cookie (SameSite=Lax) does not go with them (and the
/// API ignores cookies anyway). The repository page frames it with the same sandbox.
struct StaticSpaceController {
    let hub: Hub

    static let sandbox =
        "sandbox allow-scripts allow-forms allow-popups allow-modals; default-src * data: blob: 'unsafe-inline' 'unsafe-eval'; frame-ancestors 'self'"

    func register(on router: some RouterMethods<HubRequestContext>) {
        let spaces = router.group().add(middleware: WebRepoAccess.middleware(hub, .space, need: .read))
        for withPath in [false, true] {
            spaces.get(SiteURL.Route.app(withPath: withPath).routerPath) { request, context in try await serve(request, context: context) }
        }
    }

    static let types = [
        "html": "text/html", "htm": "text/html", "js": "text/javascript", "mjs": "text/javascript", "css": "text/css",
        "json": "application/json", "svg": "image/svg+xml", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
        "gif": "image/gif", "webp": "image/webp", "ico": "image/x-icon", "txt": "text/plain", "wasm": "application/wasm",
        "woff2": "font/woff2", "md": "text/markdown",
    ]

    func serve(_ request: Request, context: HubRequestContext) async throws -> Response {
        let grant = try context.grantedRepo()
        let repo = grant.repo
        guard repo.sdk == "static" else {
            throw HubError.entryNotFound("\(repo.id.path) is not a static Space: this hub does not run it")
        }
        var path = try context.parameters.getCatchAll().map { segment -> String in
            guard let decoded = String(segment).percentDecoded else { throw HubError.badRequest("Bad path") }
            return decoded
        }.joined(separator: "/")
        if path.isEmpty || path.hasSuffix("/") {
            let revision = try hub.files.revision(of: repo, revision: RepoService.defaultBranch)
            path += path.isEmpty ? Self.appFile(of: try hub.files.card(of: repo, commit: revision.commit)) : "index.html"
        }
        let file = try await hub.files.resolve(grant, revision: RepoService.defaultBranch, path: path, followLFS: true)
        var headers: HTTPFields = [
            .contentSecurityPolicy: Self.sandbox, .xContentTypeOptions: "nosniff", .cacheControl: "no-cache",
        ]
        let ext = (path as NSString).pathExtension.lowercased()
        let type = Self.types[ext] ?? "application/octet-stream"
        headers[.contentType] = type.hasPrefix("text/") || type.hasSuffix("json") || type.hasSuffix("javascript")
            ? type + "; charset=utf-8" : type
        switch file.content {
        case .inline(let bytes):
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        case .lfs:
            // Large assets stream from the LFS store through the usual download route.
            return Response.redirect(
                to: SiteURL.atRevision(file.repo.id, .resolve, revision: file.commit, path: path).path, type: .found)
        }
    }

    /// The card's `app_file`, or `index.html`.
    static func appFile(of card: RepoCard) -> String {
        guard let json = card.dataJSON, let metadata = try? JSONDecoder().decode(AnyJSON.self, from: Data(json.utf8)),
            let file = metadata["app_file"]?.string, !file.isEmpty, !file.hasPrefix("/"), !file.contains("..")
        else { return "index.html" }
        return file
    }
}
