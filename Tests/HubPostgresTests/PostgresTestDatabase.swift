import Foundation
import HubCore
@testable import HubPostgres
import PostgresNIO

/// A fresh database on the PostgreSQL server `.ci/with-postgres` started
/// (`MODELHUB_TEST_POSTGRES_URL`), dropped when the test is done.
enum PostgresTestDatabase {
    static let serverURL = ProcessInfo.processInfo.environment["MODELHUB_TEST_POSTGRES_URL"]
    static var available: Bool { serverURL != nil }

    /// Runs `body` with the URL of a new, empty database.
    static func withFreshDatabase(_ body: (String) async throws -> Void) async throws {
        guard let serverURL, var components = URLComponents(string: serverURL) else { return }
        let name = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await administer("CREATE DATABASE \(name)", serverURL: serverURL)
        components.path = "/\(name)"
        components.queryItems = [URLQueryItem(name: "sslmode", value: "disable")]
        do {
            try await body(components.string ?? "")
        } catch {
            try? await administer("DROP DATABASE \(name) WITH (FORCE)", serverURL: serverURL)
            throw error
        }
        try await administer("DROP DATABASE \(name) WITH (FORCE)", serverURL: serverURL)
    }

    /// Runs `body` with an index opened (and migrated) on a new, empty database.
    static func withFreshIndex(_ body: (PostgresIndex) async throws -> Void) async throws {
        try await withFreshDatabase { url in
            let index = try await PostgresIndex.open(url: url)
            defer { index.close() }
            try await body(index)
        }
    }

    /// A user with no password and no token.
    static func user(_ name: String, in index: PostgresIndex) async throws -> User {
        try await PostgresAccountStore(index: index).createUser(
            name: try HubName(name), fullname: "", email: nil, isAdmin: false, passwordHash: nil, firstToken: nil
        ).0
    }

    /// A model's row (`namespace/name`), as the repository store will make it; its row id.
    static func repo(_ path: String, in index: PostgresIndex) async throws -> Int64 {
        let parts = path.split(separator: "/").map(String.init)
        let ids = try await index.rows(
            """
            INSERT INTO repos (kind, namespace, name, created_at, last_modified)
            VALUES ('model', \(parts[0]), \(parts[parts.count - 1]), 0, 0) RETURNING id
            """, as: (Int64).self)
        guard let id = ids.first else { throw HubError.internalFailure("no repo row") }
        return id
    }

    private static func administer(_ statement: String, serverURL: String) async throws {
        var configuration = try PostgresIndex.configuration(url: serverURL + "?sslmode=disable")
        configuration.options.maximumConnections = 1
        let client = PostgresClient(configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            try await client.withConnection { connection in
                _ = try await connection.simpleQuery(statement).get()
            }
            group.cancelAll()
        }
    }
}
