/// Sends a webhook's payload over HTTP (`HTTPWebhookSender` in HubUpstream): the status the URL
/// answered, or an error when it did not answer.
public protocol WebhookSender: Sendable {
    func post(_ body: [UInt8], to url: String, headers: [String: String]) async throws -> Int
}
