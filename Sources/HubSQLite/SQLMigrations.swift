import Foundation
import GRDB

/// The numbered `.sql` files of `Migrations/sqlite/`, bundled with this module (PostgreSQL's
/// series is `Migrations/postgres/`).
///
/// Each file is one migration, applied once, in its own transaction, in the order of its number.
/// Files are append-only: a shipped migration is never edited, a change is a new file.
enum SQLMigrations {
    struct Migration {
        let identifier: String
        let sql: String
    }

    static func bundled() throws -> [Migration] {
        // SwiftPM copies the files of Migrations/sqlite/ (linked into this target as Migrations) to
        // the bundle's root.
        guard let folder = Bundle.module.resourceURL else {
            throw DatabaseError(message: "the HubIndex resource bundle is missing")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".sql") }
        let numbered = try names.map { name -> (Int, String) in
            guard let number = Int(name.prefix(while: \.isNumber)) else {
                throw DatabaseError(message: "migration \(name) does not start with its number")
            }
            return (number, name)
        }.sorted { $0.0 < $1.0 }
        for (previous, next) in zip(numbered, numbered.dropFirst()) where previous.0 == next.0 {
            throw DatabaseError(message: "migrations \(previous.1) and \(next.1) share a number")
        }
        return try numbered.map { _, name in
            let sql = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            return Migration(identifier: String(name.dropLast(".sql".count)), sql: sql)
        }
    }

    static func migrator() throws -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in try bundled() {
            migrator.registerMigration(migration.identifier) { db in
                try db.execute(sql: migration.sql)
            }
        }
        return migrator
    }
}
