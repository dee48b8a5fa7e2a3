import Hummingbird
import HubHTTP
import HubServices
import HubMarkdown
import HubWeb
import Logging
import NIOCore
import ServiceLifecycle

/// The router with every route of the hub, for `modelhub serve` and for HummingbirdTesting: the
/// plumbing every request goes through, then each surface's routes.
public func buildRouter(hub: Hub, configuration: ServerConfiguration, metrics: HubMetrics = HubMetrics()) -> Router<HubRequestContext> {
    let baseURL = BaseURL(publicURL: configuration.publicURL)
    let router = Router(context: HubRequestContext.self, options: .autoGenerateHeadEndpoints)
    OperationsController(hub: hub, metrics: metrics, metricsAccess: configuration.metricsToken.map { .token($0) } ?? .off)
        .register(on: router)
    router.addRequestPlumbing(
        hub: hub, baseURL: baseURL, maxConcurrentRequestsPerClient: configuration.maxConcurrentRequestsPerClient)
    router.addHubAPIRoutes(hub: hub, baseURL: baseURL, renderMarkdown: Markdown.html)
    router.addGitHTTPRoutes(git: hub.git, repos: hub.repos, maxFetchRequestSize: configuration.maxFetchRequestSize)
    router.addGitLFSRoutes(lfs: hub.lfs, repos: hub.repos, baseURL: baseURL)
    router.addXetCASRoutes(xet: hub.xet, baseURL: baseURL)
    router.addWebUIRoutes(hub: hub, baseURL: baseURL, allowSignUp: configuration.allowSignUp)
    return router
}

/// The whole router inside the layer that counts and logs every request (`ObservedResponder`).
public func buildResponder(
    hub: Hub, configuration: ServerConfiguration, metrics: HubMetrics
) -> some HTTPResponder<HubRequestContext> {
    ObservedResponder(
        buildRouter(hub: hub, configuration: configuration, metrics: metrics).buildResponder(), metrics: metrics,
        requestLogLevel: configuration.logFormat == "json" ? .info : .debug)
}

/// The hub as a Hummingbird application. `onServerRunning` receives the bound port (useful with
/// port 0). With `metricsPort` set, the metrics listener runs beside it and stops with it.
public func buildApplication(
    hub: Hub, configuration: ServerConfiguration, logger: Logger, metrics: HubMetrics = HubMetrics(),
    onServerRunning: @escaping @Sendable (_ host: String, _ port: Int) async -> Void = { _, _ in },
    onMetricsServerRunning: @escaping @Sendable (_ host: String, _ port: Int) async -> Void = { _, _ in }
) -> some ApplicationProtocol {
    let host = configuration.host
    var services: [any Service] = []
    if let metricsPort = configuration.metricsPort {
        services.append(
            buildMetricsApplication(
                hub: hub, host: configuration.metricsHost, port: metricsPort, metrics: metrics, logger: logger,
                onServerRunning: onMetricsServerRunning))
    }
    return Application(
        responder: buildResponder(hub: hub, configuration: configuration, metrics: metrics),
        server: .http1(
            configuration: .init(
                // Under Hummingbird's HTTP/1 codec: LFS objects go out with sendfile.
                additionalChannelHandlers: [FileRegionWriter.Installer()],
                idleTimeout: .seconds(Int64(configuration.idleTimeout)),
                httpDecoderConfiguration: .init(
                    maxHeaderFieldSize: configuration.maxHeaderSize, maxHeaderListSize: configuration.maxHeaderSize,
                    maxHeaderFieldCount: configuration.maxHeaderCount))),
        configuration: .init(address: .hostname(host, port: configuration.port), serverName: "modelhub"),
        services: services,
        onServerRunning: { channel in
            await onServerRunning(host, channel.localAddress?.port ?? configuration.port)
        },
        logger: logger
    )
}

/// The private listener of `metricsPort`: `/metrics` for anyone who reaches it, and the health
/// checks, nothing else.
public func buildMetricsApplication(
    hub: Hub, host: String, port: Int, metrics: HubMetrics, logger: Logger,
    onServerRunning: @escaping @Sendable (_ host: String, _ port: Int) async -> Void = { _, _ in }
) -> some ApplicationProtocol & Service {
    let router = Router(context: HubRequestContext.self, options: .autoGenerateHeadEndpoints)
    OperationsController(hub: hub, metrics: metrics, metricsAccess: .open).register(on: router)
    return Application(
        router: router,
        configuration: .init(address: .hostname(host, port: port), serverName: "modelhub-metrics"),
        onServerRunning: { channel in
            await onServerRunning(host, channel.localAddress?.port ?? port)
        },
        logger: logger)
}
