import ArgumentParser
import HubCore
import HubServices

struct RepoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repo", abstract: "Manage repository aliases.", subcommands: [Alias.self, Unalias.self, Aliases.self])

    /// The public hub answers legacy one-segment ids (`gpt2`) by redirecting them to the
    /// repository that now holds the name (`openai-community/gpt2`); a site admin sets those up.
    struct Alias: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a one-segment id (e.g. gpt2) lead to a repository (e.g. openai-community/gpt2).")

        @Argument(help: "The alias: one segment, like a repository name.") var alias: String
        @Argument(help: "The repository it leads to, namespace/name.") var target: String
        @Option(help: "model, dataset or space.") var type: String = "model"
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            let kind = try RepoKind(apiType: type)
            let parts = target.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw ValidationError("The target is namespace/name, not '\(target)'") }
            let id = try RepoID(kind: kind, namespace: String(parts[0]), name: String(parts[1]))
            try await data.run { hub in
                try await hub.repos.setAlias(kind: kind, name: alias, to: id)
                print("\(kind.urlPrefix)\(alias) now leads to \(id.webPath)")
            }
        }
    }

    struct Unalias: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an alias.")

        @Argument(help: "The alias.") var alias: String
        @Option(help: "model, dataset or space.") var type: String = "model"
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            let kind = try RepoKind(apiType: type)
            try await data.run { hub in
                try await hub.repos.setAlias(kind: kind, name: alias, to: nil)
                print("removed alias \(kind.urlPrefix)\(alias)")
            }
        }
    }

    struct Aliases: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the aliases.")

        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            try await data.run { hub in
                for (kind, name, target) in try await hub.repos.aliases() {
                    print("\(kind.urlPrefix)\(name)\t\(target.webPath)")
                }
            }
        }
    }
}
