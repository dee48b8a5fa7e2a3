import Foundation
import Hummingbird
import HubCore
import HubServices

/// The operator's endpoints: `/health/live` and `/health/ready` for load balancers and
/// orchestrators, `/metrics` for Prometheus, and `/openapi.json`, the API's description.
public struct OperationsController: Sendable {
    /// Who may read `/metrics` on a listener.
    public enum MetricsAccess: Sendable, Equatable {
        /// Not served (a 404, as for any unknown path).
        case off
        /// Served to a request with `Authorization: Bearer <token>`.
        case token(String)
        /// Served to anyone who reaches the listener (a private one).
        case open
    }

    let hub: Hub
    let metrics: HubMetrics
    let metricsAccess: MetricsAccess

    public init(hub: Hub, metrics: HubMetrics, metricsAccess: MetricsAccess) {
        self.hub = hub
        self.metrics = metrics
        self.metricsAccess = metricsAccess
    }

    public func register(on router: Router<HubRequestContext>) {
        router.get(RouterPath(OperationsPaths.live)) { _, _ in
            JSONBody.response(object: ["status": "live"])
        }
        router.get(RouterPath(OperationsPaths.ready)) { _, _ in
            await ready()
        }
        router.get(RouterPath(OperationsPaths.openAPI)) { _, context in
            switch OpenAPIDocument.json {
            case .success(let bytes):
                return Response(
                    status: .ok, headers: [.contentType: "application/json", .contentLength: String(bytes.count)],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
            case .failure(let error):
                throw HubError.internalFailure(error.description)
            }
        }
        if metricsAccess != .off {
            router.get(RouterPath(OperationsPaths.metrics)) { request, _ in
                try await metricsResponse(request)
            }
        }
    }

    /// 200 when every check passed, else 503; each check's outcome in the body either way.
    func ready() async -> Response {
        let checks = await hub.readiness()
        let passed = checks.allSatisfy(\.passed)
        var outcomes: [String: ReadinessOutcome] = [:]
        for check in checks {
            outcomes[check.name] = ReadinessOutcome(status: check.passed ? "ok" : "failed", error: check.failure)
        }
        return JSONBody.response(
            status: passed ? .ok : .serviceUnavailable,
            object: ReadinessAnswer(status: passed ? "ready" : "not ready", checks: outcomes),
            headers: [.cacheControl: "no-store"])
    }

    func metricsResponse(_ request: Request) async throws -> Response {
        if case .token(let token) = metricsAccess {
            let presented = request.headers[.authorization].flatMap { header -> Substring? in
                let parts = header.split(separator: " ", maxSplits: 1)
                return parts.count == 2 && parts[0].lowercased() == "bearer" ? parts[1] : nil
            }
            guard let presented, Self.constantTimeEqual(Array(presented.utf8), Array(token.utf8)) else {
                return Response(
                    status: .unauthorized,
                    headers: [.wwwAuthenticate: "Bearer realm=\"metrics\"", .contentType: "text/plain; charset=utf-8"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: "The metrics need the configured metricsToken.\n")))
            }
        }
        let bytes = try await metrics.exposition(of: hub)
        return Response(
            status: .ok,
            headers: [
                // Prometheus's text exposition format, version 0.0.4.
                .contentType: "text/plain; version=0.0.4; charset=utf-8", .contentLength: String(bytes.count),
                .cacheControl: "no-store",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Compares two secrets in time that depends on their lengths only, not on where they differ.
    static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(left, right) { difference |= a ^ b }
        return difference == 0
    }
}

private struct ReadinessOutcome: Encodable {
    let status: String
    let error: String?
}

private struct ReadinessAnswer: Encodable {
    let status: String
    let checks: [String: ReadinessOutcome]
}
