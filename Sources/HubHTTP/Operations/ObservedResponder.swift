import Hummingbird
import Logging

/// The hub's outermost layer, around the whole router (so a request no route matches is seen
/// too): counts every request into `HubMetrics` by route template, method, status and surface,
/// with its duration up to the answer's last byte and its bytes in and out, and writes one log
/// line per request at `requestLogLevel` (info when logs are JSON for a collector, debug for a
/// terminal, where thousands of lines a second would be the bottleneck).
public struct ObservedResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context == HubRequestContext {
    public typealias Context = HubRequestContext

    let inner: Inner
    let metrics: HubMetrics
    let requestLogLevel: Logger.Level

    public init(_ inner: Inner, metrics: HubMetrics, requestLogLevel: Logger.Level) {
        self.inner = inner
        self.metrics = metrics
        self.requestLogLevel = requestLogLevel
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        var context = context
        let metrics = self.metrics
        let logger = context.logger
        let level = requestLogLevel
        let record = RequestRecord(
            method: request.method.rawValue, path: request.uri.path,
            requestID: RequestIDMiddleware.clientRequestID(in: request.headers) ?? context.id,
            endpoint: context.coreContext.endpointPath
        ) { report in
            metrics.requestFinished(
                route: report.route, method: report.method, status: report.status, surface: report.surface,
                duration: report.duration, bytesIn: report.bytesIn, bytesOut: report.bytesOut)
            logger.log(level: level, "request", metadata: report.logMetadata)
        }
        context.record = record
        metrics.requestStarted()

        var request = request
        let body = request.body
        request.body = RequestBody(
            asyncSequence: body.map { buffer in
                record.addReceived(buffer.readableBytes)
                return buffer
            })
        var response: Response
        do {
            response = try await inner.respond(to: request, context: context)
        } catch {
            record.setStatus(Int((error as? any HTTPResponseError)?.status.code ?? 500))
            record.finish(completed: true)
            throw error
        }
        record.setStatus(response.status.code)
        let answer = response.body
        response.body = ResponseBody(contentLength: answer.contentLength) { writer in
            do {
                try await RequestRecord.$current.withValue(record) {
                    try await answer.write(CountingBodyWriter(base: writer, record: record))
                }
            } catch {
                record.finish(completed: false)
                throw error
            }
            record.finish(completed: true)
        }
        return response
    }
}

extension RequestReport {
    /// One request as log metadata: the fields a JSON line carries.
    var logMetadata: Logger.Metadata {
        var metadata: Logger.Metadata = [
            "request_id": .string(requestID), "method": .string(method), "route": .string(route),
            "path": .string(path), "surface": .string(surface.rawValue), "status": .stringConvertible(status),
            "bytes_in": .stringConvertible(bytesIn), "bytes_out": .stringConvertible(bytesOut),
            "duration_ms": .stringConvertible(Double(duration.nanoseconds) / 1_000_000),
        ]
        if let userName { metadata["user"] = .string(userName) }
        if !completed { metadata["completed"] = .stringConvertible(false) }
        return metadata
    }
}
