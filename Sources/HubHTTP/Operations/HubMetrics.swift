import CoreMetrics
import HubCore
import HubServices
import Prometheus
import Synchronization

/// The hub's metrics, in Prometheus's text format at `/metrics`: recorded through swift-metrics
/// into a Prometheus registry of this hub's own (not the process-wide default, so each hub a test
/// builds counts only its own requests).
///
/// Labels are route templates (`/api/models/{namespace}/{name}`), methods from a fixed set and
/// statuses: never a raw path, which would make a series per repository and file.
public final class HubMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let routes = Mutex<[RouteKey: RouteMetrics]>([:])
    private let bytesReceived: [RequestSurface: CoreMetrics.Counter]
    private let bytesSent: [RequestSurface: CoreMetrics.Counter]
    private let inFlight: CoreMetrics.Meter
    private let databaseWait: CoreMetrics.Timer
    private let repositories: [RepoKind: CoreMetrics.Meter]
    private let lfsStoredBytes: CoreMetrics.Meter
    private let gitProcesses: CoreMetrics.Meter
    /// The last figures read from the index, and when: scrapes in quick succession (several
    /// Prometheus servers, a person with curl) reuse them instead of counting again.
    private let sampled = Mutex<(statistics: HubStatistics, at: ContinuousClock.Instant)?>(nil)
    static let samplingInterval = Duration.seconds(10)

    /// The methods counted by name; any other is counted as `other` (a client may send any token).
    static let namedMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["modelhub_database_wait_seconds"] = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(5), .milliseconds(25),
            .milliseconds(100), .milliseconds(500), .seconds(2),
        ]
        self.factory = factory
        var received: [RequestSurface: CoreMetrics.Counter] = [:]
        var sent: [RequestSurface: CoreMetrics.Counter] = [:]
        for surface in RequestSurface.allCases {
            received[surface] = CoreMetrics.Counter(
                label: "modelhub_http_request_bytes_total", dimensions: [("surface", surface.rawValue)], factory: factory)
            sent[surface] = CoreMetrics.Counter(
                label: "modelhub_http_response_bytes_total", dimensions: [("surface", surface.rawValue)], factory: factory)
        }
        bytesReceived = received
        bytesSent = sent
        inFlight = CoreMetrics.Meter(label: "modelhub_http_requests_in_flight", factory: factory)
        databaseWait = CoreMetrics.Timer(label: "modelhub_database_wait_seconds", factory: factory)
        var repositories: [RepoKind: CoreMetrics.Meter] = [:]
        for kind in RepoKind.allCases {
            repositories[kind] = CoreMetrics.Meter(label: "modelhub_repositories", dimensions: [("kind", kind.rawValue)], factory: factory)
        }
        self.repositories = repositories
        lfsStoredBytes = CoreMetrics.Meter(label: "modelhub_lfs_stored_bytes", factory: factory)
        gitProcesses = CoreMetrics.Meter(label: "modelhub_git_processes_running", factory: factory)
    }

    func requestStarted() {
        inFlight.increment()
    }

    /// Counts one answered request (or one whose client left before it was answered).
    func requestFinished(
        route: String, method: String, status: Int, surface: RequestSurface, duration: Duration, bytesIn: Int64,
        bytesOut: Int64
    ) {
        inFlight.decrement()
        let key = RouteKey(route: route, method: Self.namedMethods.contains(method) ? method : "other", status: status)
        let metrics = routes.withLock { cache in
            if let found = cache[key] { return found }
            let made = RouteMetrics(key, factory: factory)
            cache[key] = made
            return made
        }
        metrics.requests.increment()
        metrics.duration.recordNanoseconds(duration.nanoseconds)
        if bytesIn > 0 { bytesReceived[surface]?.increment(by: bytesIn) }
        if bytesOut > 0 { bytesSent[surface]?.increment(by: bytesOut) }
    }

    /// Records how long a query waited for a database connection (PostgreSQL's pool, SQLite's
    /// readers and its one writer) before it ran, when that was at least `noticeableDatabaseWait`:
    /// a free connection is taken in a few microseconds, and recording every query into a
    /// histogram (under its lock) cost 3 µs a request, 4 % of repo info's throughput; the waits
    /// that tell a pool is too small are the long ones.
    public func recordDatabaseWait(_ wait: Duration) {
        guard wait >= Self.noticeableDatabaseWait else { return }
        databaseWait.recordNanoseconds(wait.nanoseconds)
    }

    static let noticeableDatabaseWait = Duration.microseconds(100)

    /// The exposition, with the figures read from `hub` (at most every `samplingInterval`).
    public func exposition(of hub: Hub) async throws -> [UInt8] {
        let now = ContinuousClock.now
        var statistics = sampled.withLock { last in
            last.flatMap { now - $0.at < Self.samplingInterval ? $0.statistics : nil }
        }
        if statistics == nil {
            let read = try await hub.statistics()
            sampled.withLock { $0 = (read, now) }
            statistics = read
        }
        if let statistics {
            for (kind, meter) in repositories { meter.set(statistics.repositories[kind] ?? 0) }
            lfsStoredBytes.set(statistics.lfsStoredBytes)
        }
        // Processes come and go by the second: read now, not from the sample.
        gitProcesses.set(hub.gitProcessesRunning)
        return registry.emitToBuffer()
    }
}

private struct RouteKey: Hashable {
    let route: String
    let method: String
    let status: Int
}

/// The series of one route, method and status, made once and then reused.
private struct RouteMetrics: Sendable {
    let requests: CoreMetrics.Counter
    let duration: CoreMetrics.Timer

    init(_ key: RouteKey, factory: PrometheusMetricsFactory) {
        requests = CoreMetrics.Counter(
            label: "modelhub_http_requests_total",
            dimensions: [("route", key.route), ("method", key.method), ("status", String(key.status))], factory: factory)
        duration = CoreMetrics.Timer(
            label: "modelhub_http_request_duration_seconds",
            dimensions: [("route", key.route), ("method", key.method), ("status", String(key.status))], factory: factory)
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
