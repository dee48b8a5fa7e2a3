import ArgumentParser
import HubCore
import HubServices

/// The pull-through mirror's repositories (`upstreamURL`): keep one even if upstream deletes it,
/// or drop one so that the next request fetches it again.
struct MirrorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mirror", abstract: "Pin, unpin or drop repositories mirrored from the upstream hub.",
        subcommands: [Pin.self, Unpin.self, Drop.self])

    struct Target: ParsableArguments {
        @Argument(help: "The mirrored repository, namespace/name.") var repo: String
        @Option(help: "model, dataset or space.") var type: String = "model"

        func id() throws -> RepoID {
            let parts = repo.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw ValidationError("The repository is namespace/name, not '\(repo)'") }
            return try RepoID(kind: try RepoKind(apiType: type), namespace: String(parts[0]), name: String(parts[1]))
        }

        func setPinned(_ pinned: Bool, in data: DataDirectoryOption) async throws {
            let id = try id()
            try await data.run { hub in
                try await hub.repos.setMirrorPinned(id, pinned: pinned)
                print("\(pinned ? "pinned" : "unpinned") the mirror of \(id.webPath)")
            }
        }
    }

    struct Pin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Keep a mirror even when upstream deletes the repository.")
        @OptionGroup var target: Target
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            try await target.setPinned(true, in: data)
        }
    }

    struct Unpin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let a mirror go when upstream deletes the repository.")
        @OptionGroup var target: Target
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            try await target.setPinned(false, in: data)
        }
    }

    struct Drop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a mirror; the next request for it fetches it from upstream again.")
        @OptionGroup var target: Target
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            let id = try target.id()
            try await data.run { hub in
                try await hub.repos.dropMirror(id)
                print("dropped the mirror of \(id.webPath)")
            }
        }
    }
}
