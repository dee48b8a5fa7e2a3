import AsyncHTTPClient
import HubServices
import NIOCore

/// Sends webhook payloads: one POST, no redirect followed (a redirect could lead anywhere, past
/// the hosts the administrator allowed), 10 seconds to connect and 30 for the answer.
public final class HTTPWebhookSender: WebhookSender {
    let client: HTTPClient

    public init() {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10), read: .seconds(30)))
        configuration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func shutdown() throws {
        try client.syncShutdown()
    }

    public func post(_ body: [UInt8], to url: String, headers: [String: String]) async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .seconds(40))
        // The answer is not kept: read at most a little of it so the connection can be reused.
        _ = try? await response.body.collect(upTo: 64 << 10)
        return Int(response.status.code)
    }
}
