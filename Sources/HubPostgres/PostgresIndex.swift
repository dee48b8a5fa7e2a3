import Foundation
import HubCore
import HubIndex
import Logging
import NIOSSL
import PostgresNIO

/// The index on PostgreSQL: one pooled `PostgresClient` shared by every store, its connection
/// pool running for as long as the index is open, and the migrations of `Migrations/postgres/`
/// applied when it opens.
public final class PostgresIndex: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// Told how long each query waited for a connection of the pool (the operator's
    /// `modelhub_database_wait_seconds`).
    let onWait: @Sendable (Duration) -> Void
    /// When the download and trending windows were last recounted (shared by the counter stores).
    let windowedCounters = PostgresWindowedCounters()
    /// Repository rows read at an `index_version`, shared by the stores that read them.
    let repoRows = RepoRowCache()
    /// `index_version`, read once for all the requests that ask at the same time.
    let versionReads: CoalescedRead<Int64>
    private let running: Task<Void, Never>

    /// Opens `url` (`postgres://user:password@host:port/database`, `?sslmode=disable|prefer|require`)
    /// and applies the migrations it lacks.
    /// `onWait` is told how long each query waited for a connection of the pool.
    public static func open(
        url: String, logger: Logger = Logger(label: "modelhub.postgres"),
        onWait: @escaping @Sendable (Duration) -> Void = { _ in }
    ) async throws -> PostgresIndex {
        let index = await PostgresIndex(configuration: try Self.configuration(url: url), logger: logger, onWait: onWait)
        do {
            try await PostgresMigrations.apply(on: index)
        } catch {
            index.close()
            throw error
        }
        return index
    }

    init(
        configuration: PostgresClient.Configuration, logger: Logger, onWait: @escaping @Sendable (Duration) -> Void = { _ in }
    ) async {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        self.onWait = onWait
        versionReads = CoalescedRead {
            for try await version in try await client.query("SELECT version FROM index_version", logger: logger)
                .decode(Int64.self)
            {
                return version
            }
            throw HubError.internalFailure("the index_version row is missing")
        }
        // Waits for the run task to begin: `run()` marks the client as running in its first
        // step, right after the signal, and a query leased before that still works but makes
        // PostgresNIO log a warning (on the admin commands' one-line stderr).
        let (started, signal) = AsyncStream<Void>.makeStream()
        running = Task {
            signal.finish()
            await client.run()
        }
        for await _ in started {}
    }

    /// Stops the connection pool; queries after this fail.
    public func close() {
        running.cancel()
    }

    /// The client configuration a `postgres://` URL describes; a bad URL is refused with the part
    /// that is wrong (never with the password).
    public static func configuration(url text: String) throws -> PostgresClient.Configuration {
        guard let url = URLComponents(string: text), ["postgres", "postgresql"].contains(url.scheme ?? ""),
            let host = url.host, !host.isEmpty
        else {
            throw HubError.badRequest("the database URL must look like postgres://user:password@host:5432/database")
        }
        guard let user = url.user, !user.isEmpty else {
            throw HubError.badRequest("the database URL names no user (postgres://user@host/database)")
        }
        let database = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        guard !database.isEmpty, !database.contains("/") else {
            throw HubError.badRequest("the database URL names no database (postgres://user@host/database)")
        }
        let mode = url.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        let tls: PostgresClient.Configuration.TLS
        switch mode {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: throw HubError.badRequest("sslmode must be disable, prefer or require, not '\(mode)'")
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: url.port ?? 5432, username: user.removingPercentEncoding ?? user,
            password: url.password.map { $0.removingPercentEncoding ?? $0 }, database: database, tls: tls)
        configuration.options.maximumConnections = 20
        return configuration
    }
}
