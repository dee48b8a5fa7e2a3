import HubCore
import NIOCore
import PostgresNIO

extension PostgresIndex {
    /// Runs `query` and returns its rows decoded as `Columns` (a tuple of the selected columns).
    func rows<each Column: PostgresDecodable>(
        _ query: PostgresQuery, as columns: (repeat each Column).Type, on connection: PostgresConnection? = nil
    ) async throws -> [(repeat each Column)] {
        guard let connection else {
            return try await leased { connection in try await rows(query, as: columns, on: connection) }
        }
        var decoded: [(repeat each Column)] = []
        for try await row in try await connection.query(query, logger: logger) {
            decoded.append(try row.decode((repeat each Column).self))
        }
        return decoded
    }

    /// `body` with a connection of the pool, the time spent waiting for it told to `onWait`.
    func leased<Result>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        let asked = ContinuousClock.now
        return try await client.withConnection { connection in
            onWait(ContinuousClock.now - asked)
            return try await body(connection)
        }
    }

    /// Runs a statement that returns no rows.
    func execute(_ query: PostgresQuery, on connection: PostgresConnection? = nil) async throws {
        if let connection {
            _ = try await connection.query(query, logger: logger).collect()
        } else {
            try await leased { connection in _ = try await connection.query(query, logger: logger).collect() }
        }
    }

    /// `body` in one transaction; a unique-key violation (a name another transaction took first)
    /// becomes `conflict(message)`.
    func transaction<Result: Sendable>(
        conflict message: String? = nil, _ body: @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        do {
            return try await leased { connection in
                try await connection.withTransaction(logger: logger) { connection in try await body(connection) }
            }
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
