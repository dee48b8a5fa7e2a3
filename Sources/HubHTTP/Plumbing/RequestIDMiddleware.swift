import HTTPTypes
import Hummingbird

/// Gives every request the id a user will quote: the client's own `X-Request-Id` unchanged, else
/// the trace id huggingface_hub sends on every call (`X-Amzn-Trace-Id`, a UUID; the client prints
/// the response's `X-Request-Id` in its errors, see `utils/_http.py` in huggingface_hub), else the
/// server's own id. The id is answered as `X-Request-Id`, tagged on every log line of the request
/// and written into the message of a 5xx, so a user's error and the server's log line meet.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext

    static let amazonTraceID = HTTPField.Name("X-Amzn-Trace-Id")!

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let safe = Self.clientRequestID(in: request.headers) {
            context.clientRequestID = safe
            context.logger[metadataKey: "hb.request.id"] = .string(safe)
        }
        let id = context.requestID
        var response = try await next(request, context)
        response.headers[.xRequestID] = id
        return response
    }

    /// The id the client gave the request, made safe to send back in a header; nil when it gave
    /// none (or an empty one, or one longer than 200 characters).
    static func clientRequestID(in headers: HTTPFields) -> String? {
        guard let incoming = headers[.xRequestID] ?? headers[amazonTraceID], !incoming.isEmpty, incoming.count <= 200
        else { return nil }
        return HubErrorResponse.headerSafe(incoming)
    }
}
