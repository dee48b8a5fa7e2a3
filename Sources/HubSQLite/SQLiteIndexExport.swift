import GRDB
import HubCore
import HubIndex

/// The embedded index as an `IndexRowSource`: every read goes to one snapshot of the database
/// (a WAL read transaction GRDB keeps open), so tables read one after the other are as of one
/// moment even if a server writes meanwhile.
public final class SQLiteIndexExport: IndexRowSource {
    private let snapshot: DatabaseSnapshot

    public init(database: HubDatabase) throws {
        snapshot = try database.pool.makeSnapshot()
    }

    public func tableNames() throws -> [String] {
        try snapshot.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table'
                    AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations' AND name NOT LIKE 'repo_search%'
                    ORDER BY name
                    """)
        }
    }

    public func columns(of table: String) throws -> [String] {
        try snapshot.read { db in try db.columns(in: table).map(\.name) }
    }

    public func rows(of table: String, offset: Int, limit: Int) throws -> [[IndexValue]] {
        try snapshot.read { db in
            let quoted = table.replacingOccurrences(of: "\"", with: "\"\"")
            return try Row.fetchAll(
                db, sql: "SELECT * FROM \"\(quoted)\" ORDER BY rowid LIMIT ? OFFSET ?", arguments: [limit, offset]
            ).map { row in
                row.databaseValues.map { value in
                    switch value.storage {
                    case .null: .null
                    case .int64(let number): .integer(number)
                    case .double(let number): .real(number)
                    case .string(let text): .text(text)
                    case .blob(let data): .blob(Array(data))
                    }
                }
            }
        }
    }

    public func searchCards(offset: Int, limit: Int) throws -> [(repoRowID: Int64, text: String)] {
        try snapshot.read { db in
            try Row.fetchAll(
                db, sql: "SELECT rowid, card FROM repo_search WHERE card <> '' ORDER BY rowid LIMIT ? OFFSET ?",
                arguments: [limit, offset]
            ).map { row in (row[0], row[1] ?? "") }
        }
    }
}
