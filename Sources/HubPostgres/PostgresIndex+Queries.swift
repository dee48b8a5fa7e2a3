import HubCore
import NIOCore
import PostgresNIO

extension PostgresIndex {
    /// Runs `query` and returns its rows decoded as `Columns` (a tuple of the selected columns).
    func rows<each Column: PostgresDecodable>(
        _ query: PostgresQuery, as columns: (repeat each Column).Type, on connection: PostgresConnection? = nil
    ) async throws -> [(repeat each Column)] {
        let sequence =
            if let connection {
                try await connection.query(query, logger: logger)
            } else {
                try await client.query(query, logger: logger)
            }
        var decoded: [(repeat each Column)] = []
        for try await row in sequence {
            decoded.append(try row.decode((repeat each Column).self))
        }
        return decoded
    }

    /// Runs a statement that returns no rows.
    func execute(_ query: PostgresQuery, on connection: PostgresConnection? = nil) async throws {
        if let connection {
            _ = try await connection.query(query, logger: logger).collect()
        } else {
            _ = try await client.query(query, logger: logger).collect()
        }
    }

    /// `body` in one transaction; a unique-key violation (a name another transaction took first)
    /// becomes `conflict(message)`.
    func transaction<Result: Sendable>(
        conflict message: String? = nil, _ body: @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            throw Self.mapped(error.closureError ?? error.beginError ?? error.commitError ?? error, conflict: message)
        }
    }

    static func mapped(_ error: any Error, conflict message: String?) -> any Error {
        if let message, let failure = error as? PSQLError, failure.serverInfo?[.sqlState] == "23505" {
            return HubError.conflict(message)
        }
        return error
    }
}
