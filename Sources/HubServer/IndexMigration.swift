import Foundation
import HubCore
import HubPostgres
import HubSQLite
import HubServices

/// `modelhub migrate-index`: copies the embedded SQLite index of a data folder into the empty
/// PostgreSQL database `databaseURL` names, in one transaction (all of it or nothing), from one
/// snapshot of the SQLite file. Repositories, LFS objects and xorbs stay where they are: only
/// the index moves, keeping every row id, so the folders' row markers and every reference stay
/// true. The SQLite file is left as it was.
public enum IndexMigration {
    public static func copySQLiteIndex(of configuration: ServerConfiguration) async throws -> [(table: String, rows: Int)] {
        guard let databaseURL = configuration.databaseURL else {
            throw ConfigurationError("migrate-index needs databaseURL (MODELHUB_DATABASE_URL): the PostgreSQL database to fill")
        }
        try configuration.validate()
        let file = URL(fileURLWithPath: configuration.dataDir).appendingPathComponent("modelhub.sqlite")
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw HubError.internalFailure("there is no embedded index at \(file.path) to copy")
        }
        let database = try HubDatabase(path: file.path)
        defer { try? database.close() }
        let index = try await PostgresIndex.open(url: databaseURL, logger: Hub.quietIndexLogger)
        defer { index.close() }
        return try await PostgresIndexImport(index: index).copy(from: try SQLiteIndexExport(database: database))
    }
}
