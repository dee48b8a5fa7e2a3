import Hummingbird
import HubServices
import Logging
import NIOCore

/// The router with every route of the hub, for `modelhub serve` and for HummingbirdTesting.
public func buildRouter(hub: Hub, configuration: ServerConfiguration) -> Router<HubRequestContext> {
    let baseURL = BaseURL(publicURL: configuration.publicURL)
    let router = Router(context: HubRequestContext.self, options: .autoGenerateHeadEndpoints)
    // One line per request only at debug level: at thousands of requests a second the log
    // itself becomes the bottleneck. Failures are logged at error level with their request id.
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.add(middleware: HubErrorMiddleware(baseURL: baseURL))
    router.add(middleware: AuthenticationMiddleware(accounts: hub.accounts))
    router.add(middleware: RepoRedirectMiddleware(repos: hub.repos, baseURL: baseURL))
    router.add(
        middleware: ConcurrencyLimitMiddleware(
            limiter: ClientConcurrencyLimiter(maxPerClient: configuration.maxConcurrentRequestsPerClient)))
    PublicFiles().register(on: router)
    AccountAPIController().register(on: router)
    RepoAPIController(repos: hub.repos, baseURL: baseURL).register(on: router)
    GitHTTPController(git: hub.git, maxFetchRequestSize: configuration.maxFetchRequestSize).register(on: router)
    LFSController(lfs: hub.lfs, baseURL: baseURL).register(on: router)
    LFSFilesController(lfs: hub.lfs, baseURL: baseURL).register(on: router)
    FileController(files: hub.files, lfs: hub.lfs, counters: hub.counters).register(on: router)
    XetController().register(on: router)
    RepoInfoController(files: hub.files, repos: hub.repos, baseURL: baseURL).register(on: router)
    CommitController(commits: hub.commits, baseURL: baseURL).register(on: router)
    DiscussionController(commits: hub.commits).register(on: router)
    RefController(refs: hub.refs, baseURL: baseURL).register(on: router)
    OrgController(orgs: hub.orgs, repos: hub.repos, baseURL: baseURL).register(on: router)
    StorageController(repos: hub.repos, orgs: hub.orgs, baseURL: baseURL).register(on: router)
    // The web UI's routes, the only ones that read the session cookie.
    let pages = router.group().add(middleware: WebSessionMiddleware(accounts: hub.accounts))
    let web = WebController(hub: hub, baseURL: baseURL)
    web.register(on: pages)
    WebAccountController(web: web, allowSignUp: configuration.allowSignUp).register(on: pages)
    WebManageController(web: web).register(on: pages)
    WebEditController(web: web).register(on: pages)
    StaticSpaceController(files: hub.files).register(on: pages)
    ListingController(repos: hub.repos, files: hub.files, baseURL: baseURL).register(on: router)
    LikesController(counters: hub.counters, accounts: hub.accounts, baseURL: baseURL).register(on: router)
    return router
}

/// The hub as a Hummingbird application. `onServerRunning` receives the bound port (useful with port 0).
public func buildApplication(
    hub: Hub, configuration: ServerConfiguration, logger: Logger,
    onServerRunning: @escaping @Sendable (_ host: String, _ port: Int) async -> Void = { _, _ in }
) -> some ApplicationProtocol {
    let host = configuration.host
    return Application(
        router: buildRouter(hub: hub, configuration: configuration),
        server: .http1(
            configuration: .init(
                idleTimeout: .seconds(Int64(configuration.idleTimeout)),
                httpDecoderConfiguration: .init(
                    maxHeaderFieldSize: configuration.maxHeaderSize, maxHeaderListSize: configuration.maxHeaderSize,
                    maxHeaderFieldCount: configuration.maxHeaderCount))),
        configuration: .init(address: .hostname(host, port: configuration.port), serverName: "modelhub"),
        onServerRunning: { channel in
            await onServerRunning(host, channel.localAddress?.port ?? configuration.port)
        },
        logger: logger
    )
}
