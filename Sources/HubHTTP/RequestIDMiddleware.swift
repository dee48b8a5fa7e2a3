import HTTPTypes
import Hummingbird

/// Echoes the client's trace id (huggingface_hub sends `X-Amzn-Trace-Id` on every request) as
/// `X-Request-Id`, so the id printed by a failing client is the one in the server's answer;
/// without one, the server's own request id is used.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext

    static let amazonTraceID = HTTPField.Name("X-Amzn-Trace-Id")!

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let incoming = request.headers[.xRequestID] ?? request.headers[Self.amazonTraceID]
        let id = incoming.flatMap { $0.count <= 200 ? HubErrorResponse.headerSafe($0) : nil } ?? context.id
        var response = try await next(request, context)
        response.headers[.xRequestID] = id
        return response
    }
}
