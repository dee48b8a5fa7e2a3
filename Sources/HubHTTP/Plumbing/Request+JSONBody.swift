import Hummingbird
import HubCore

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
