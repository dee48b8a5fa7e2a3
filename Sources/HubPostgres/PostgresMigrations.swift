import Foundation
import HubCore
import PostgresNIO

/// The numbered `.sql` files of `Migrations/postgres/`, bundled with this module. Each is applied
/// once, in its own transaction, in the order of its number; they are append-only. Instances that
/// start at the same time take turns: the whole run holds a PostgreSQL advisory lock.
enum PostgresMigrations {
    struct Migration {
        let identifier: String
        let sql: String
    }

    /// The lock's key: any fixed number other programs on the database are unlikely to use.
    static let lockKey: Int64 = 0x6D6F_6465_6C68_7562  // "modelhub"

    static func bundled() throws -> [Migration] {
        // SwiftPM copies the files of Migrations/postgres/ (linked into this target as Migrations)
        // to the bundle's root.
        guard let folder = Bundle.module.resourceURL else {
            throw HubError.internalFailure("the HubPostgres resource bundle is missing")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }
        let numbered = try names.map { name -> (Int, String) in
            guard let number = Int(name.prefix(while: \.isNumber)) else {
                throw HubError.internalFailure("migration \(name) does not start with its number")
            }
            return (number, name)
        }.sorted { $0.0 < $1.0 }
        for (previous, next) in zip(numbered, numbered.dropFirst()) where previous.0 == next.0 {
            throw HubError.internalFailure("migrations \(previous.1) and \(next.1) share a number")
        }
        return try numbered.map { _, name in
            let sql = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            return Migration(identifier: String(name.dropLast(".sql".count)), sql: sql)
        }
    }

    static func apply(on index: PostgresIndex) async throws {
        let migrations = try bundled()
        try await index.client.withConnection { connection in
            _ = try await connection.query("SELECT pg_advisory_lock(\(lockKey))", logger: index.logger).collect()
            do {
                _ = try await connection.query(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (identifier TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)",
                    logger: index.logger
                ).collect()
                var applied: Set<String> = []
                for try await identifier in try await connection.query(
                    "SELECT identifier FROM schema_migrations", logger: index.logger
                ).decode(String.self) {
                    applied.insert(identifier)
                }
                for migration in migrations where !applied.contains(migration.identifier) {
                    // One transaction per file: BEGIN, its statements, the record of it, COMMIT.
                    _ = try await connection.query("BEGIN", logger: index.logger).collect()
                    do {
                        for statement in statements(in: migration.sql) {
                            _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: index.logger).collect()
                        }
                        _ = try await connection.query(
                            "INSERT INTO schema_migrations (identifier, applied_at) VALUES (\(migration.identifier), \(HubDate.milliseconds(HubDate.now())))",
                            logger: index.logger
                        ).collect()
                        _ = try await connection.query("COMMIT", logger: index.logger).collect()
                    } catch {
                        _ = try? await connection.query("ROLLBACK", logger: index.logger).collect()
                        throw HubError.internalFailure("PostgreSQL migration \(migration.identifier) failed: \(String(reflecting: error))")
                    }
                }
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: index.logger).collect()
                throw error
            }
            _ = try await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: index.logger).collect()
        }
    }

    /// The statements of a migration file, one by one (PostgreSQL's extended protocol takes one at
    /// a time): split at the semicolons that are outside quotes ('…', "…"), dollar-quoted bodies
    /// ($$…$$, $tag$…$tag$) and comments.
    static func statements(in sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var characters = Array(sql)[...]
        while let character = characters.popFirst() {
            switch character {
            case "'", "\"":
                current.append(character)
                while let next = characters.popFirst() {
                    current.append(next)
                    if next == character { break }
                }
            case "-" where characters.first == "-":
                while let next = characters.popFirst(), next != "\n" {}
                current.append("\n")
            case "$":
                let tagEnd = characters.firstIndex { !($0.isLetter || $0.isNumber || $0 == "_") }
                if let tagEnd, characters[tagEnd] == "$" {
                    let delimiter = "$" + String(characters[..<tagEnd]) + "$"
                    characters = characters[(tagEnd + 1)...]
                    current += delimiter
                    let body = String(characters)
                    if let close = body.range(of: delimiter) {
                        current += body[..<close.upperBound]
                        characters = characters.dropFirst(body.distance(from: body.startIndex, to: close.upperBound))
                    } else {
                        current += body
                        characters = []
                    }
                } else {
                    current.append(character)
                }
            case ";":
                let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if !statement.isEmpty { statements.append(statement) }
                current = ""
            default:
                current.append(character)
            }
        }
        let last = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !last.isEmpty { statements.append(last) }
        return statements
    }

    /// The migrations applied to the database, in order.
    static func applied(on index: PostgresIndex) async throws -> [String] {
        var identifiers: [String] = []
        for try await identifier in try await index.client.query(
            "SELECT identifier FROM schema_migrations ORDER BY identifier", logger: index.logger
        ).decode(String.self) {
            identifiers.append(identifier)
        }
        return identifiers
    }
}
