import Hummingbird
import HubCore
import NIOCore
import Synchronization

/// Bounds how many requests one client has in flight, so that one runaway script cannot take every
/// connection, git process and database slot from everyone else. A client is its token when it
/// sent one, else its IP address (never a port: one machine opens many connections). A request
/// counts until the last byte of its response has gone, so long downloads and clones count for
/// as long as they run. Past the bound the answer is a 429 with `Retry-After`, which
/// huggingface_hub and git-lfs retry.
struct ConcurrencyLimitMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let limiter: ClientConcurrencyLimiter

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let client = Self.client(of: context)
        guard limiter.enter(client) else {
            throw HubError.tooManyRequests(
                "Too many concurrent requests from this client (at most \(limiter.maxPerClient)): wait for some to finish")
        }
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            limiter.leave(client)
            throw error
        }
        // The request counts until its body is written or dropped unwritten: a HEAD answer, or a
        // client gone before the body, never calls the writer, and must not hold the count for ever.
        let lease = ClientConcurrencyLease(limiter: limiter, client: client)
        var counted = response
        let body = response.body
        counted.body = ResponseBody(contentLength: body.contentLength) { writer in
            defer { lease.release() }
            try await body.write(writer)
        }
        return counted
    }

    /// Who a request counts against: the token's id for an authenticated caller (so a CI fleet
    /// behind one address with its own tokens is many clients), else the address it came from.
    static func client(of context: Context) -> String {
        if case .caller(let caller) = context.authentication { return "token \(caller.token.id)" }
        return "address " + (context.connection.remoteAddress?.ipAddress ?? "unknown")
    }
}

/// One request's place in its client's count, given back exactly once: when its response body
/// has been written, or when the response is dropped without its body being written.
final class ClientConcurrencyLease: Sendable {
    let limiter: ClientConcurrencyLimiter
    let client: String
    private let released = Atomic<Bool>(false)

    init(limiter: ClientConcurrencyLimiter, client: String) {
        self.limiter = limiter
        self.client = client
    }

    func release() {
        if !released.exchange(true, ordering: .acquiringAndReleasing) { limiter.leave(client) }
    }

    deinit {
        release()
    }
}

/// The number of requests each client has in flight.
final class ClientConcurrencyLimiter: Sendable {
    let maxPerClient: Int
    private let inFlight = Mutex<[String: Int]>([:])

    init(maxPerClient: Int) {
        self.maxPerClient = maxPerClient
    }

    /// Counts one more request for `client`, or says no when it is at the bound.
    func enter(_ client: String) -> Bool {
        inFlight.withLock { counts in
            let current = counts[client, default: 0]
            guard current < maxPerClient else { return false }
            counts[client] = current + 1
            return true
        }
    }

    func leave(_ client: String) {
        inFlight.withLock { counts in
            let remaining = counts[client, default: 1] - 1
            counts[client] = remaining > 0 ? remaining : nil
        }
    }

    /// Requests in flight for `client` (for tests).
    func count(for client: String) -> Int {
        inFlight.withLock { $0[client, default: 0] }
    }
}
