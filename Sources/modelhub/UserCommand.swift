import ArgumentParser
import HubServices

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage users.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a user and a write token; the token is the last line printed.")

        @Argument(help: "User name (letters, digits, '-', '_', '.').") var name: String
        @Option(help: "Full name.") var fullname: String?
        @Option(help: "E-mail address.") var email: String?
        @Flag(help: "Make the user an administrator.") var admin = false
        @Option(help: "Use this token value (8 to 256 visible ASCII characters) instead of a random one.")
        var token: String?
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            try await runAdmin {
                let hub = try data.openHub()
                defer { try? hub.close() }
                let (user, secret) = try await hub.accounts.createUser(
                    name: name, fullname: fullname, email: email, isAdmin: admin, token: token)
                print("created user \(user.name)\(user.isAdmin ? " (admin)" : "") with a write token named 'default':")
                print(secret.value)
            }
        }
    }
}
