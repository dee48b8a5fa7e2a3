import ArgumentParser
import Foundation
import HubCore
import HubServer

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put a backup made by `modelhub backup` into an empty data folder, then check it.",
        discussion: "Refuses a data folder that holds anything. Exits 1 when the restored hub has damage.")

    @Argument(help: "The backup folder.")
    var source: String

    @OptionGroup var data: DataDirectoryOption

    func run() async throws {
        var damaged = false
        do {
            let configuration = try data.resolvedConfiguration()
            let checked = try await HubBackup.restore(
                from: URL(fileURLWithPath: source), into: URL(fileURLWithPath: configuration.dataDir))
            for finding in checked.findings { print(finding) }
            damaged = checked.damaged
            print("restored \(checked.repositories) repositories into \(configuration.dataDir): "
                + (damaged ? "damage found (see above)" : "fsck finds no problems"))
        } catch let error as HubError {
            throw fail(error)
        }
        if damaged { throw ExitCode(1) }
    }
}
