import GRDB

/// SQLite's `PRAGMA data_version` read on a connection of its own: the number changes whenever
/// any other connection commits — this process's writer as much as an admin command or a second
/// server on the same data folder — so it versions the repository-row cache. One statement, on
/// the calling thread.
final class DataVersionProbe: Sendable {
    private let probe: DatabaseQueue

    init(path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(15)
        probe = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// The database's version as this probe's connection sees it.
    func currentVersion() throws -> Int64 {
        try probe.inDatabase { db in
            try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0
        }
    }
}
