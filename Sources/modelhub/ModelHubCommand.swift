import ArgumentParser

@main
struct ModelHubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modelhub",
        abstract: "A self-hosted model hub that speaks the Hugging Face Hub's protocols.",
        subcommands: [ServeCommand.self, UserCommand.self, OrgCommand.self, QuotaCommand.self, MirrorCommand.self, TokenCommand.self, RepoCommand.self, ReindexCommand.self, GCCommand.self, FsckCommand.self, BackupCommand.self, RestoreCommand.self, MigrateStorageCommand.self, MigrateIndexCommand.self, HookCommand.self]
    )
}
