import Foundation
import HubCore
import Hummingbird
import HubServer
import HubServices

/// A hub on a temporary data folder, with helpers to make users and repositories.
public final class TestHub: Sendable {
    public let directory: TemporaryDirectory
    public let hub: Hub
    public let configuration: ServerConfiguration

    /// Pushes are not exercised through this hub (end-to-end tests do that with the real binary),
    /// so its hook runs `/bin/false`, which refuses every push.
    public init() throws {
        directory = try TemporaryDirectory()
        hub = try Hub(
            local: directory.url, pushPolicy: PushHook(executable: URL(fileURLWithPath: "/bin/false"), maxFileSize: 1024))
        var configuration = ServerConfiguration()
        configuration.dataDir = directory.url.path
        self.configuration = configuration
    }

    /// Creates a user and returns its write token.
    @discardableResult
    public func user(_ name: String, admin: Bool = false) async throws -> String {
        try await hub.accounts.createUser(name: name, fullname: nil, email: nil, isAdmin: admin, token: nil).1.value
    }

    public func readToken(for name: String) async throws -> String {
        try await hub.accounts.createToken(userName: name, name: "read", role: .read, token: nil).1.value
    }

    /// The hub's whole router as an application, for HummingbirdTesting's `.router` client.
    public func application() -> some ApplicationProtocol {
        Application(router: buildRouter(hub: hub, configuration: configuration))
    }
}
