import ArgumentParser
import Foundation
import HubCore
import HubServer

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the hub (index, repositories, objects) into a new folder while the server runs.",
        discussion: """
            For the embedded mode (SQLite and local objects). The index is copied as of one \
            moment; the repositories and objects follow it, each copied whole. Restore with \
            `modelhub restore`. Cluster mode is backed up with pg_dump and the bucket's own tools.
            """)

    @Argument(help: "The folder to create for the backup (it must not exist).")
    var destination: String

    @OptionGroup var data: DataDirectoryOption

    func run() async throws {
        do {
            let report = try await HubBackup.backup(
                configuration: try data.resolvedConfiguration(), to: URL(fileURLWithPath: destination))
            print("backed up \(report.repositories) repositories and \(report.objects) LFS objects (\(report.bytes) bytes) to \(destination)")
            for repository in report.deletedMeanwhile {
                print("deleted while the backup ran, not copied: \(repository)")
            }
        } catch let error as HubError {
            throw fail(error)
        }
    }
}
