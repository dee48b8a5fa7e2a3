import ArgumentParser
import HubServices

struct ReindexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex",
        abstract: "Rebuild the index (head commits, card metadata, tags, search text) from the git repositories.")

    @OptionGroup var data: DataDirectoryOption

    func run() async throws {
        try await data.run { hub in
            let count = try await hub.repos.reindexAll()
            print("reindexed \(count) repositories")
        }
    }
}
