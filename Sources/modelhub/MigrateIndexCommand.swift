import ArgumentParser
import Foundation
import HubCore
import HubServer

struct MigrateIndexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-index",
        abstract: "Copy the data folder's SQLite index into the PostgreSQL database databaseURL names.",
        discussion: """
            The target must be a new, empty database; the copy is one transaction (all of it or \
            nothing) of one snapshot of the SQLite file, which is left as it was. Stop the server \
            first (what it writes after the snapshot would not be copied), run this, then start \
            every instance with databaseURL set.
            """)

    @OptionGroup var data: DataDirectoryOption

    func run() async throws {
        do {
            let copied = try await IndexMigration.copySQLiteIndex(of: try data.resolvedConfiguration())
            for (table, rows) in copied where rows > 0 {
                print("\(table)\t\(rows)")
            }
            print("copied \(copied.reduce(0) { $0 + $1.rows }) rows of \(copied.count) tables into PostgreSQL")
        } catch let error as ConfigurationError {
            throw fail(HubError.internalFailure(error.description))
        } catch let error as HubError {
            throw fail(error)
        }
    }
}
