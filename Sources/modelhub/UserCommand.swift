import ArgumentParser
import HubServices

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage users.", subcommands: [Create.self, Password.self, Admin.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a user and a write token; the token is the last line printed.")

        @Argument(help: "User name (letters, digits, '-', '_', '.').") var name: String
        @Option(help: "Full name.") var fullname: String?
        @Option(help: "E-mail address.") var email: String?
        @Flag(help: "Make the user an administrator.") var admin = false
        @Flag(help: "Read a password for the web UI from the first line of standard input.") var passwordStdin = false
        @Option(help: "Cap the storage of the user's repositories (50GB, 1.5TB, …; see 'modelhub quota').")
        var quota: StorageQuotaValue?
        @OptionGroup var tokenValue: TokenValueOption
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            let password = passwordStdin ? readLine(strippingNewline: true) ?? "" : nil
            try await data.run { hub in
                let (user, secret) = try await hub.accounts.createUser(
                    name: name, fullname: fullname, email: email, isAdmin: admin, token: tokenValue.token, password: password)
                if let quota { try await hub.repos.setStorageQuota(quota.bytes, of: user.name) }
                print("created user \(user.name)\(user.isAdmin ? " (admin)" : "") with a write token named 'default':")
                print(secret.value)
            }
        }
    }

    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a user's web password from the first line of standard input (ends their sessions).")

        @Argument(help: "The user.") var name: String
        @Flag(help: "Remove the password instead: the user can no longer sign in to the web UI.") var remove = false
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            let password = remove ? nil : readLine(strippingNewline: true) ?? ""
            try await data.run { hub in
                try await hub.accounts.setPassword(password, userName: name)
                print(remove ? "removed the password of \(name)" : "set the password of \(name)")
            }
        }
    }

    struct Admin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn a user's site admin flag on or off (site admins read and administer every repository).")

        @Argument(help: "The user.") var name: String
        @Argument(help: "on or off.") var state: String
        @OptionGroup var data: DataDirectoryOption

        func validate() throws {
            guard ["on", "off"].contains(state) else { throw ValidationError("The state is 'on' or 'off'") }
        }

        func run() async throws {
            try await data.run { hub in
                try await hub.accounts.setAdmin(state == "on", userName: name)
                print("\(name) is \(state == "on" ? "now" : "no longer") a site admin")
            }
        }
    }
}
