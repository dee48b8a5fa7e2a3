import Hummingbird
import HubServices

extension Router<HubRequestContext> {
    /// What every request goes through before its surface sees it, outermost first: its id, the
    /// HF JSON error mapping (the LFS and web surfaces map their own errors before it sees them),
    /// the `Authorization` header, old-name redirects of a request that failed as missing, and the
    /// per-client limit on requests in flight. The line logged per request, and the metrics, come
    /// from `ObservedResponder` around the whole router.
    package func addRequestPlumbing(hub: Hub, baseURL: BaseURL, maxConcurrentRequestsPerClient: Int) {
        add(middleware: RequestIDMiddleware())
        add(middleware: HubErrorMiddleware(baseURL: baseURL))
        add(middleware: AuthenticationMiddleware(accounts: hub.accounts))
        add(middleware: RepoRedirectMiddleware(repos: hub.repos, baseURL: baseURL))
        add(middleware: ConcurrencyLimitMiddleware(limiter: ClientConcurrencyLimiter(maxPerClient: maxConcurrentRequestsPerClient)))
    }
}
