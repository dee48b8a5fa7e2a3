import Foundation
import HTTPTypes
import Hummingbird
import HubCore
import NIOCore

/// The Git LFS API's wire format, shared by the batch, transfer and locks routes: bodies are
/// `application/vnd.git-lfs+json`, and errors `{"message", "request_id"}`
/// (https://github.com/git-lfs/git-lfs/blob/main/docs/api/batch.md).
enum LFSWire {
    static let mediaType = "application/vnd.git-lfs+json"
    /// A batch of 1,000 objects is about 150 KB of JSON; locks and verify are smaller.
    static let maxJSONBodySize = 1 << 20

    /// `{repo}/info/lfs`, the root git-lfs derives from the remote's URL (`.git` on the name is
    /// dropped by `repoID(kind:)`).
    static func routePrefix(_ kind: RepoKind) -> String {
        SiteURL.Route.gitLFS(kind).pattern
    }

    static func decode<Value: Decodable>(
        _ type: Value.Type, from request: Request, maxSize: Int = maxJSONBodySize
    ) async throws -> Value {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxSize)
        } catch is NIOTooManyBytesError {
            throw HubError.payloadTooLarge("The request body is larger than \(maxSize) bytes")
        }
        do {
            return try JSONDecoder().decode(type, from: Data(buffer: buffer))
        } catch {
            throw HubError.badRequest("The request body is not the JSON the Git LFS API expects")
        }
    }

    static func json<Value: Encodable>(_ value: Value, status: HTTPResponse.Status = .ok) -> Response {
        var response = JSONBody.response(status: status, object: value)
        response.headers[.contentType] = mediaType
        return response
    }
}

/// Every failure of an LFS route in the Git LFS format, in one place for the route group: a 401
/// carries the challenge git-lfs answers with its credential helper; validation failures are 422,
/// as the spec says.
struct LFSErrorMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let error = HubErrorResponse.hubError(from: error)
            let status: HTTPResponse.Status
            switch error {
            case .badRequest, .invalidName: status = .unprocessableContent
            case .entryNotFound: status = .notFound
            default: status = HubErrorResponse.status(of: error)
            }
            var message = error.message
            if case .internalFailure(let detail) = error {
                context.logger.error("LFS request failed: \(detail)")
                message = "Internal error (request id \(context.requestID))"
            }
            var response = LFSWire.json(["message": message, "request_id": context.requestID], status: status)
            // git-lfs reads the body's message; huggingface_hub, which reads no `message` field,
            // shows this header (utils/_http.py `_format`).
            response.headers[.xErrorMessage] = HubErrorResponse.headerSafe(message)
            // And the typed error where the hub has one (`GatedRepo` above all: a mirror of this
            // hub tells a gate from a failure by it).
            if let code = HubErrorResponse.code(of: error) { response.headers[.xErrorCode] = code }
            if status == .unauthorized {
                response.headers[.lfsAuthenticate] = "Basic realm=\"modelhub\""
                response.headers[.wwwAuthenticate] = "Basic realm=\"modelhub\""
            }
            return response
        }
    }
}
