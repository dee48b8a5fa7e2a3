import Hummingbird
import HubHTTP
import HubServices
import HubWeb
import Logging
import NIOCore

/// The router with every route of the hub, for `modelhub serve` and for HummingbirdTesting: the
/// plumbing every request goes through, then each surface's routes.
public func buildRouter(hub: Hub, configuration: ServerConfiguration) -> Router<HubRequestContext> {
    let baseURL = BaseURL(publicURL: configuration.publicURL)
    let router = Router(context: HubRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.addRequestPlumbing(
        hub: hub, baseURL: baseURL, maxConcurrentRequestsPerClient: configuration.maxConcurrentRequestsPerClient)
    router.addHubAPIRoutes(hub: hub, baseURL: baseURL)
    router.addGitHTTPRoutes(git: hub.git, repos: hub.repos, maxFetchRequestSize: configuration.maxFetchRequestSize)
    router.addGitLFSRoutes(lfs: hub.lfs, repos: hub.repos, baseURL: baseURL)
    router.addXetCASRoutes(xet: hub.xet, baseURL: baseURL)
    router.addWebUIRoutes(hub: hub, baseURL: baseURL, allowSignUp: configuration.allowSignUp)
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
                // Under Hummingbird's HTTP/1 codec: LFS objects go out with sendfile.
                additionalChannelHandlers: [FileRegionWriter.Installer()],
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
