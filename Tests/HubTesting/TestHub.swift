import Foundation
import HubCore
import Hummingbird
import HubServer
import HubServices
import HubHTTP
import Logging

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

    /// What writes in flight (or left behind) hold under `tmp/`: everything there but the open
    /// hubs' own areas and their lock files (`ScratchArea`).
    public func writesInFlight() -> [String] {
        let entries = directory.listing("tmp")
        let areas = Set(entries.filter { $0.hasSuffix(".lock") }.map { String($0.dropLast(".lock".count)) })
        return entries.filter { !$0.hasSuffix(".lock") && !areas.contains($0) }
    }

    /// Creates a user and returns its write token.
    @discardableResult
    public func user(_ name: String, admin: Bool = false) async throws -> String {
        try await hub.accounts.createUser(name: name, fullname: nil, email: nil, isAdmin: admin, token: nil).1.value
    }

    public func readToken(for name: String) async throws -> String {
        try await hub.accounts.createToken(userName: name, name: "read", role: .read, token: nil).1.value
    }

    /// The caller a token (from `user(_:)` or `readToken(for:)`) stands for.
    public func caller(_ token: String) async throws -> Caller {
        try await hub.accounts.authenticate(secret: token)
    }

    /// Creates `owner/name` (the owner must exist) through the repository service, as the hub
    /// creates one for `create_repo`: with its first commit and default `.gitattributes`.
    @discardableResult
    public func repo(
        _ name: String, owner: String = "alice", kind: RepoKind = .model, isPrivate: Bool = false, token: String
    ) async throws -> RepoInfo {
        let id = try RepoID(kind: kind, namespace: owner, name: name)
        return try await hub.repos.create(
            id, isPrivate: isPrivate, sdk: kind == .space ? "static" : nil, caller: try await caller(token))
    }

    /// Commits text files (path → contents) to a branch through the commit service, as an API
    /// commit would, and returns the new commit's id.
    @discardableResult
    public func commit(
        _ files: [String: String], to id: RepoID, branch: String = "main", summary: String = "Add files",
        description: String = "", token: String
    ) async throws -> String {
        let session = try await hub.commits.begin(id, revision: branch, caller: try await caller(token))
        for (path, text) in files.sorted(by: { $0.key < $1.key }) {
            try session.addFile(path: path, contents: Array(text.utf8))
        }
        return try await session.finish(summary: summary, description: description, parentCommit: nil)
    }

    /// The hub's whole router, inside the layer that counts and logs every request, as an
    /// application for HummingbirdTesting's `.router` client; `configuration` and `metrics` as
    /// a test needs them.
    public func application(
        configuration: ServerConfiguration? = nil, metrics: HubMetrics = HubMetrics(), logger: Logger? = nil
    ) -> some ApplicationProtocol {
        Application(
            responder: buildResponder(hub: hub, configuration: configuration ?? self.configuration, metrics: metrics),
            logger: logger)
    }
}
