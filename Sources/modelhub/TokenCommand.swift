import ArgumentParser
import HubCore
import HubServices

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage access tokens.", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token; it is the last line printed.")

        @Argument(help: "The user the token acts for.") var user: String
        @Option(help: "read or write (default write).") var role: TokenRole = .write
        @Option(help: "A name to tell the token by (default: token-<date>).") var name: String?
        @OptionGroup var tokenValue: TokenValueOption
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            try await data.run { hub in
                let (stored, secret) = try await hub.accounts.createToken(
                    userName: user, name: name, role: role, token: tokenValue.token)
                print("created \(stored.role.rawValue) token '\(stored.name)' for \(user):")
                print(secret.value)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a user's tokens (names and roles, never values).")

        @Argument(help: "The user.") var user: String
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            try await data.run { hub in
                for token in try await hub.accounts.tokens(userName: user) {
                    print("\(token.name)\t\(token.role.rawValue)\t\(HubDate.format(token.createdAt))")
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by name.")

        @Argument(help: "The user.") var user: String
        @Argument(help: "The token's name.") var name: String
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            try await data.run { hub in
                try await hub.accounts.revokeToken(userName: user, name: name)
                print("revoked token '\(name)' of \(user)")
            }
        }
    }
}

extension TokenRole: ExpressibleByArgument {}
