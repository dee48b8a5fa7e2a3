import Hummingbird
import HubServices

extension Router<HubRequestContext> {
    /// What every request goes through before its surface sees it, outermost first: its id, the
    /// debug log line, the HF JSON error mapping (the LFS and web surfaces map their own errors
    /// before it sees them), the `Authorization` header, old-name redirects of a request that
    /// failed as missing, and the per-client limit on requests in flight.
    package func addRequestPlumbing(hub: Hub, baseURL: BaseURL, maxConcurrentRequestsPerClient: Int) {
        // One line per request only at debug level: at thousands of requests a second the log
        // itself becomes the bottleneck. Failures are logged at error level with their request id.
        add(middleware: RequestIDMiddleware())
        add(middleware: LogRequestsMiddleware(.debug))
        add(middleware: HubErrorMiddleware(baseURL: baseURL))
        add(middleware: AuthenticationMiddleware(accounts: hub.accounts))
        add(middleware: RepoRedirectMiddleware(repos: hub.repos, baseURL: baseURL))
        add(middleware: ConcurrencyLimitMiddleware(limiter: ClientConcurrencyLimiter(maxPerClient: maxConcurrentRequestsPerClient)))
    }
}
