import ArgumentParser
import HubCore
import HubServices

/// Storage quotas of users and organizations, in bytes as the API's `usedStorage` counts them.
struct QuotaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quota", abstract: "Cap the storage of a user's or an organization's repositories.",
        subcommands: [Set.self, Show.self])

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a user's or an organization's storage quota ('none' removes it).",
            discussion: """
                Counted as the API's usedStorage counts: every LFS or Xet object once for each \
                repository that holds it, plus each repository's git objects, over all the \
                namespace's repositories (private ones and pull requests included). Uploads, \
                pushes and commits that would pass it are refused; what is stored stays.
                """)

        @Argument(help: "The user or organization.") var namespace: String
        @Argument(help: "The quota: 50GB, 1.5TB, 500MiB, a number of bytes, or 'none'.") var size: StorageQuotaValue
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            try await data.run { hub in
                let name = try HubName(namespace)
                try await hub.repos.setStorageQuota(size.bytes, of: name)
                print(Show.describe(try await hub.repos.storageUsage(of: name)))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what a namespace's repositories hold and its quota (every namespace with a quota by default).")

        @Argument(help: "The user or organization.") var namespace: String?
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            try await data.run { hub in
                if let namespace {
                    let name = try HubName(namespace)
                    guard try await hub.repos.namespace(named: name) != nil else {
                        throw HubError.badRequest("No user or organization is called '\(name)'")
                    }
                    print(Self.describe(try await hub.repos.storageUsage(of: name)))
                } else {
                    for usage in try await hub.repos.storageUsages() { print(Self.describe(usage)) }
                }
            }
        }

        static func describe(_ usage: StorageUsage) -> String {
            let used = "\(usage.namespace): \(ByteSize.describe(usage.usedBytes)) (\(usage.usedBytes) bytes) used"
            guard let quota = usage.quota else { return used + ", no quota" }
            return used + " of \(ByteSize.describe(quota)) (\(quota) bytes)"
        }
    }
}

/// A quota as typed on the command line: a size (`50GB`) or `none`.
struct StorageQuotaValue: ExpressibleByArgument {
    /// Nil: no quota.
    let bytes: Int64?

    init?(argument: String) {
        if ["none", "unlimited"].contains(argument.lowercased()) {
            bytes = nil
        } else if let bytes = ByteSize.parse(argument) {
            self.bytes = bytes
        } else {
            return nil
        }
    }
}
