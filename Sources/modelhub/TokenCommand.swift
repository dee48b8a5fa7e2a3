import ArgumentParser
import HubCore
import HubServices

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage access tokens.", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token; it is the last line printed.")

        @Argument(help: "The user the token acts for.") var user: String
        @Option(help: "read, write or fine-grained (default write; fine-grained when --scope is given).")
        var role: TokenRole?
        @Option(
            name: .customLong("scope"),
            help: """
                For a fine-grained token: ENTITY=read or ENTITY=write, where ENTITY is a user or an \
                organization (all its repositories), ns/name (a model), datasets/ns/name or spaces/ns/name. \
                Repeat for more.
                """)
        var scopes: [String] = []
        @Option(help: "A name to tell the token by (default: token-<date>).") var name: String?
        @OptionGroup var tokenValue: TokenValueOption
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            try await data.run { hub in
                var parsed: [TokenScope] = []
                for scope in scopes {
                    parsed.append(try await hub.tokenScope(scope))
                }
                let (stored, secret) = try await hub.accounts.createToken(
                    userName: user, name: name, role: role ?? (scopes.isEmpty ? .write : .fineGrained), scopes: parsed,
                    token: tokenValue.token)
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
                    let fields = [token.name, token.role.rawValue, HubDate.format(token.createdAt)] + token.scopes.map(\.description)
                    print(fields.joined(separator: "\t"))
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

extension TokenRole: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument {
        case "fine-grained", "fineGrained": self = .fineGrained
        default: self.init(rawValue: argument)
        }
    }
}
