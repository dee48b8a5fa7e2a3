import Foundation
import Hummingbird
import HubCore
import NIOCore
import NIOHTTP1

/// The one mapping from domain errors to the Hugging Face JSON wire format: a status, a JSON body
/// `{"error": …}`, and `X-Error-Code` / `X-Error-Message`, which huggingface_hub reads first
/// (HEAD responses have no body).
package enum HubErrorResponse {
    package static func status(of error: HubError) -> HTTPResponse.Status {
        switch error {
        case .invalidName, .badRequest: .badRequest
        case .authenticationRequired, .invalidCredentials, .gatedRepo(_, signedIn: false): .unauthorized
        case .gatedRepo(_, signedIn: true): .forbidden
        case .forbidden: .forbidden
        case .repoNotFound, .revisionNotFound, .entryNotFound, .userNotFound, .orgNotFound, .tokenNotFound: .notFound
        case .repoExists, .conflict: .conflict
        case .preconditionFailed: .preconditionFailed
        case .unprocessable: .unprocessableContent
        case .payloadTooLarge: .contentTooLarge
        case .insufficientStorage: .init(code: 507, reasonPhrase: "Insufficient Storage")
        case .tooManyRequests: .tooManyRequests
        case .upstreamFailed: .badGateway
        case .internalFailure: .internalServerError
        }
    }

    /// The `X-Error-Code` huggingface_hub turns into a typed exception, where there is one.
    package static func code(of error: HubError) -> String? {
        switch error {
        case .repoNotFound: "RepoNotFound"
        case .revisionNotFound: "RevisionNotFound"
        case .entryNotFound: "EntryNotFound"
        case .gatedRepo: "GatedRepo"
        default: nil
        }
    }

    package static func response(for error: HubError, context: HubRequestContext, extra: [String: String] = [:]) -> Response {
        var message = error.message
        if case .internalFailure = error {
            message = "Internal error (request id \(context.requestID))"
        }
        var headers = HTTPFields()
        if case .tooManyRequests = error { headers[.retryAfter] = "1" }
        if case .entryNotFound(_, let commit?) = error { headers[.xRepoCommit] = commit }
        return response(
            status: status(of: error), message: message, code: code(of: error), context: context, headers: headers, extra: extra)
    }

    /// An HF error response: `{"error": message}` (and `extra`), `X-Error-Message`, and
    /// `X-Error-Code` when there is one.
    package static func response(
        status: HTTPResponse.Status, message: String, code: String? = nil, context: HubRequestContext,
        headers: HTTPFields = [:], extra: [String: String] = [:]
    ) -> Response {
        var headers = headers
        if let code { headers[.xErrorCode] = code }
        headers[.xErrorMessage] = headerSafe(message)
        headers[.xRequestID] = context.requestID
        var body = extra
        body["error"] = message
        return JSONBody.response(status: status, object: body, headers: headers)
    }

    /// Any failure as the `HubError` a client is told: a body past its route's limit is a 413, a
    /// full disk a 507, anything unexpected a 500 whose details stay in the log. Every surface
    /// (API, LFS, web pages) answers through this one mapping, in its own wire format.
    package static func hubError(from error: any Error) -> HubError {
        switch error {
        case let error as HubError:
            return error
        case let error as NIOTooManyBytesError:
            let limit = error.maxBytes.map { " (at most \($0) bytes)" } ?? ""
            return .payloadTooLarge("The request body is larger than this endpoint accepts\(limit)")
        case HTTPParserError.invalidEOFState:
            // The client closed its side before sending all the body its Content-Length promised.
            return .badRequest("The request body ended before its Content-Length")
        case _ where isStorageFull(error):
            return .insufficientStorage
        default:
            return .internalFailure(String(reflecting: error))
        }
    }

    /// Whether a failure from below is the disk being full (ENOSPC, or EDQUOT for a quota). NIO,
    /// Foundation and libgit2 each wrap errno their own way, and each keeps strerror's words.
    package static func isStorageFull(_ error: any Error) -> Bool {
        if let io = error as? IOError { return io.errnoCode == ENOSPC || io.errnoCode == EDQUOT }
        if let cocoa = error as? CocoaError, cocoa.code == .fileWriteOutOfSpace { return true }
        let text = String(reflecting: error)
        return text.contains("No space left on device") || text.contains("Disk quota exceeded")
    }

    /// Header values cannot hold line breaks or non-ASCII bytes.
    package static func headerSafe(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value != 0x7f ? Character($0) : "?" })
    }
}

/// Turns any `HubError` thrown by an API route into its HF JSON response, and any other failure
/// into a 500 that shows only a request id (the details go to the log).
struct HubErrorMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let baseURL: BaseURL

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HubError {
            if case .internalFailure(let detail) = error {
                context.logger.error("internal failure: \(detail)")
            }
            var extra: [String: String] = [:]
            if case .repoExists(let id) = error {
                // huggingface_hub's create_repo(exist_ok=True) reads the url from the 409 body.
                extra["url"] = SiteURL.repo(id).absolute(baseURL.url(for: request))
            }
            return HubErrorResponse.response(for: error, context: context, extra: extra)
        } catch let error as HTTPError where error.status == .notFound && error.body == nil {
            // No route has this path (the router's own 404, which has no body): an HF error
            // like every other answer, so a client that reads JSON errors reads this one too.
            return HubErrorResponse.response(
                status: .notFound, message: "No endpoint answers \(request.method) at this path", context: context)
        } catch let error as HTTPError {
            throw error
        } catch {
            let failure = HubErrorResponse.hubError(from: error)
            switch failure {
            case .internalFailure:
                context.logger.error("request failed: \(String(reflecting: error))")
            case .insufficientStorage:
                context.logger.warning("the data folder is full: \(String(reflecting: error))")
            default:
                // A client's mistake (a body past its limit): not the server's failure.
                context.logger.debug("request refused: \(String(reflecting: error))")
            }
            return HubErrorResponse.response(for: failure, context: context)
        }
    }
}
