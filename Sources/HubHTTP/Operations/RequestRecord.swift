import Hummingbird
import Synchronization

/// One request as the outermost layer (`ObservedResponder`) reports it: the layers inside fill
/// in who called, its body's reading and writing count the bytes, and the report goes out once,
/// when the answer's last byte is written, or when the answer is dropped unwritten (the client
/// left): then the record is released and reports itself.
public final class RequestRecord: Sendable {
    /// The record of the request whose response body is being written: `ZeroCopyFile` adds the
    /// bytes the kernel sends, which never pass through the body writer.
    @TaskLocal static var current: RequestRecord?

    let method: String
    /// The path without its query (which may hold a signed transfer grant).
    let path: String
    let surface: RequestSurface
    let requestID: String
    let started = ContinuousClock.now
    /// The route template the router matched, filled in by the router (a shared box).
    let endpoint: EndpointPath
    private let received = Atomic<Int64>(0)
    private let sent = Atomic<Int64>(0)
    private let state = Mutex<State>(State())
    private let report: @Sendable (RequestReport) -> Void

    private struct State {
        var userName: String?
        var status: Int?
        var reported = false
    }

    init(
        method: String, path: String, requestID: String, endpoint: EndpointPath,
        report: @escaping @Sendable (RequestReport) -> Void
    ) {
        self.method = method
        self.path = path
        self.surface = RequestSurface(path: path)
        self.requestID = requestID
        self.endpoint = endpoint
        self.report = report
    }

    deinit {
        finish(completed: false)
    }

    /// The caller's user name, once authenticated.
    public func setUserName(_ name: String) {
        state.withLock { $0.userName = name }
    }

    func setStatus(_ status: Int) {
        state.withLock { $0.status = status }
    }

    func addReceived(_ count: Int) {
        received.add(Int64(count), ordering: .relaxed)
    }

    func addSent(_ count: Int64) {
        sent.add(count, ordering: .relaxed)
    }

    /// Reports the request, the first time only. `completed`: whether its whole answer was written.
    func finish(completed: Bool) {
        let (userName, status, first) = state.withLock { state in
            defer { state.reported = true }
            return (state.userName, state.status, !state.reported)
        }
        guard first else { return }
        report(
            RequestReport(
                requestID: requestID, method: method, path: path, route: endpoint.value ?? "NotFound", surface: surface,
                status: status ?? 500, completed: completed, bytesIn: received.load(ordering: .relaxed),
                bytesOut: sent.load(ordering: .relaxed), duration: ContinuousClock.now - started, userName: userName))
    }
}

/// What is reported of one request: never a token, a cookie or a query string.
struct RequestReport: Sendable {
    let requestID: String
    let method: String
    let path: String
    let route: String
    let surface: RequestSurface
    let status: Int
    /// False when the client left (or the connection broke) before the whole answer was written.
    let completed: Bool
    let bytesIn: Int64
    let bytesOut: Int64
    let duration: Duration
    let userName: String?
}
