import ArgumentParser
import HubCore
import HubServices

struct OrgCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org", abstract: "Manage organizations and their members.",
        subcommands: [Create.self, Member.self, Remove.self, List.self, Members.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an organization with a first admin.")

        @Argument(help: "Organization name (letters, digits, '-', '_', '.'; not a user's name).") var name: String
        @Option(help: "Full name.") var fullname: String?
        @Flag(help: "Make the org's new repositories private unless their creator says otherwise.")
        var privateByDefault = false
        @Option(help: "The user who becomes its admin.") var owner: String
        @Option(help: "Cap the storage of the organization's repositories (50GB, 1.5TB, …; see 'modelhub quota').")
        var quota: StorageQuotaValue?
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            try await data.run { hub in
                let org = try await hub.orgs.create(
                    name: name, fullname: fullname, privateByDefault: privateByDefault, owner: owner, by: .siteOperator)
                if let quota { try await hub.repos.setStorageQuota(quota.bytes, of: org.name) }
                print("created organization \(org.name)\(org.privateByDefault ? " (private by default)" : "") with admin \(owner)")
            }
        }
    }

    struct Member: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a member to an organization, or change their role.")

        @Argument(help: "The organization.") var org: String
        @Argument(help: "The user.") var user: String
        @Option(help: "read, contributor, write or admin.") var role: OrgRole
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            try await data.run { hub in
                try await hub.orgs.setRole(role, of: user, in: org, by: .siteOperator)
                print("\(user) is now \(role.rawValue) in \(org)")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a member from an organization.")

        @Argument(help: "The organization.") var org: String
        @Argument(help: "The user.") var user: String
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            try await data.run { hub in
                try await hub.orgs.remove(user, from: org, by: .siteOperator)
                print("removed \(user) from \(org)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the organizations and their number of members.")

        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            try await data.run { hub in
                for (org, count) in try await hub.orgs.orgs() {
                    print("\(org.name)\t\(count) member\(count == 1 ? "" : "s")\(org.privateByDefault ? "\tprivate by default" : "")")
                }
            }
        }
    }

    struct Members: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an organization's members and their roles.")

        @Argument(help: "The organization.") var org: String
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            try await data.run { hub in
                for member in try await hub.orgs.members(of: org) {
                    print("\(member.user.name)\t\(member.role.rawValue)")
                }
            }
        }
    }
}

extension OrgRole: ExpressibleByArgument {}
