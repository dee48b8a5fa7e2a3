import AsyncAlgorithms
import Foundation
import Hummingbird
import HubCore
import HubServices

/// git's smart HTTP protocol at the repository's web URL, with or without `.git`:
/// `/{ns}/{name}`, `/datasets/{ns}/{name}`, `/spaces/{ns}/{name}`, each followed by
/// `/info/refs`, `/git-upload-pack` or `/git-receive-pack`.
struct GitHTTPController {
    let git: GitGateway
    let repos: RepoService
    /// The largest upload-pack request body, after gunzipping (see `GitRequestBody`).
    let maxFetchRequestSize: Int

    static let noCache: HTTPFields = [
        .cacheControl: "no-cache, max-age=0, must-revalidate",
        .pragma: "no-cache",
        .expires: "Fri, 01 Jan 1980 00:00:00 GMT",
    ]

    /// Each route's repository is resolved by a `RepoAssignmentMiddleware` that challenges
    /// anonymous callers (git then asks its credential helper), for the access the service needs;
    /// a name that breaks the naming rules is answered like any missing repository and never
    /// reaches git.
    func register(on router: Router<HubRequestContext>) {
        let routes = router.group().add(middleware: GitErrorMiddleware())
        for kind in RepoKind.allCases {
            let base = SiteURL.Route.repo(kind).pattern
            routes.group()
                .add(middleware: RepoAssignmentMiddleware(repos: repos, kind: kind, challengesAnonymousCallers: true) {
                    Self.service(of: $0)?.requiredAccess
                })
                .get(RouterPath(base + "/info/refs")) { request, context in
                    try await advertise(request, context: context)
                }
            for service in [GitService.uploadPack, .receivePack] {
                routes.group()
                    .add(middleware: RepoAssignmentMiddleware(
                        repos: repos, kind: kind, need: service.requiredAccess, challengesAnonymousCallers: true))
                    .post(RouterPath(base + "/" + service.rawValue)) { request, context in
                        try await rpc(service, request, context: context)
                    }
            }
        }
    }

    /// The service `info/refs` is asked to advertise, if it is one git serves.
    static func service(of request: Request) -> GitService? {
        request.uri.queryParameters.get("service").flatMap { GitService(rawValue: String($0)) }
    }

    func advertise(_ request: Request, context: HubRequestContext) async throws -> Response {
        guard let serviceName = request.uri.queryParameters.get("service") else {
            // The "dumb" protocol is not served.
            return Response.gitText(.forbidden, "Please upgrade your git client: only the smart HTTP protocol is served.\n")
        }
        guard let service = GitService(rawValue: serviceName) else {
            return Response.gitText(.forbidden, "Unsupported service '\(HubName.printable(serviceName))'\n")
        }
        let grant = try context.grantedRepo()
        try await git.requireAccess(to: service, grant)
        let gitProtocol = request.headers[.gitProtocol]
        var headers = Self.noCache
        headers[.contentType] = service.advertisementContentType
        let git = self.git
        return Response(status: .ok, headers: headers, body: Self.streamed(context: context) { output in
            try await git.advertiseRefs(service, of: grant, gitProtocol: gitProtocol, output: output)
        })
    }

    func rpc(_ service: GitService, _ request: Request, context: HubRequestContext) async throws -> Response {
        let grant = try context.grantedRepo()
        try await git.requireAccess(to: service, grant)
        guard request.headers[.contentType] == service.requestContentType else {
            return Response.gitText(.unsupportedMediaType, "Expected Content-Type \(service.requestContentType)\n")
        }
        let encoding = request.headers[.contentEncoding]?.lowercased()
        guard encoding == nil || encoding == "gzip" || encoding == "x-gzip" || encoding == "identity" else {
            return Response.gitText(.unsupportedMediaType, "Unsupported Content-Encoding\n")
        }
        let input = GitRequestBody(
            body: request.body, gzipped: encoding == "gzip" || encoding == "x-gzip",
            maxSize: service == .uploadPack ? maxFetchRequestSize : .max)
        let gitProtocol = request.headers[.gitProtocol]
        var headers = Self.noCache
        headers[.contentType] = service.resultContentType
        let git = self.git
        return Response(status: .ok, headers: headers, body: Self.streamed(context: context) { output in
            try await git.serve(service, on: grant, gitProtocol: gitProtocol, input: input, output: output)
        })
    }

    /// A response body fed by `produce` as it runs. The channel suspends the producer until the
    /// client has taken each chunk, so a slow client slows git down instead of filling memory.
    ///
    /// A client that goes away stops the producer (and so its git process) within a second, even
    /// while git is still thinking and has written nothing a failed write would reveal.
    static func streamed(
        context: HubRequestContext,
        _ produce: @escaping @Sendable (_ output: @escaping @Sendable ([UInt8]) async throws -> Void) async throws -> Void
    ) -> ResponseBody {
        let logger = context.logger
        let connection = context.connection
        let watchConnection = connection.isActive
        return ResponseBody { writer in
            let channel = AsyncThrowingChannel<[UInt8], any Error>()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        try await produce { bytes in await channel.send(bytes) }
                        channel.finish()
                    } catch {
                        logger.error("git process failed: \(String(describing: error))")
                        channel.fail(error)
                    }
                }
                group.addTask {
                    // (A connection that was not active when the handler ran is a test harness's.)
                    guard watchConnection else { return }
                    while connection.isActive {
                        do { try await Task.sleep(for: .seconds(1)) } catch { return }
                    }
                    channel.fail(ClientDisconnected())
                }
                do {
                    for try await chunk in channel {
                        try await writer.write(ByteBuffer(bytes: chunk))
                    }
                } catch {
                    // git failed (what it wrote, usually its own error for the client, has
                    // been sent), or the client left: either way nothing more goes out.
                }
                group.cancelAll()
                try await group.waitForAll()
            }
            try await writer.finish(nil)
        }
    }
}

/// The client closed its connection before the response was complete.
struct ClientDisconnected: Error {}
