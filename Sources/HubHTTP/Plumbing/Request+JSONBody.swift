import Foundation
import Hummingbird
import HubCore
import NIOCore

extension Request {
    /// The JSON body of an HF API request; a body that is not that JSON is a 400 naming the problem.
    func decodeJSON<Value: Decodable>(_ type: Value.Type, context: HubRequestContext) async throws -> Value {
        do {
            return try await decode(as: type, context: context)
        } catch let error as HTTPError where error.status == .badRequest {
            throw HubError.badRequest("The request body is not the JSON this endpoint expects")
        }
    }
}

extension Request {
    /// The JSON body of a request whose body is optional (huggingface_hub posts none to merge a
    /// pull request without a comment, or to hide a comment); nil when it has none.
    func decodeJSONIfPresent<Value: Decodable>(_ type: Value.Type, context: HubRequestContext) async throws -> Value? {
        let bytes: ByteBuffer
        do {
            bytes = try await body.collect(upTo: 1 << 20)
        } catch {
            throw HubError.payloadTooLarge("The request body is over 1 MiB")
        }
        guard bytes.readableBytesView.contains(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { return nil }
        do {
            return try JSONDecoder().decode(type, from: Data(bytes.readableBytesView))
        } catch {
            throw HubError.badRequest("The request body is not the JSON this endpoint expects")
        }
    }
}
