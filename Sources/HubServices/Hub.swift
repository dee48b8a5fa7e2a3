import Foundation
import HubCore
import HubGit
import HubIndex

/// Everything the hub serves, opened on one data folder:
///
/// ```
/// data/modelhub.sqlite   accounts, tokens, the repository index
/// data/repos/…           bare git repositories
/// data/hooks/pre-receive the push policy (runs the modelhub binary)
/// data/tmp/              writes in flight (same filesystem, so renames are atomic)
/// ```
public final class Hub: Sendable {
    public let dataDirectory: URL
    public let accounts: AccountService
    public let repos: RepoService
    public let git: GitGateway
    let database: HubDatabase

    /// Opens the data folder for the admin commands: accounts and the index, no serving.
    public convenience init(dataDirectory: URL) throws {
        try self.init(dataDirectory: dataDirectory, pushPolicy: nil)
    }

    /// Opens the data folder for serving: clears `tmp/` of crashed writes and installs the
    /// pre-receive hook that runs `policy.executable hook pre-receive`.
    public convenience init(serving dataDirectory: URL, pushPolicy: PushHook) throws {
        try self.init(dataDirectory: dataDirectory, pushPolicy: pushPolicy)
    }

    private init(dataDirectory: URL, pushPolicy: PushHook?) throws {
        self.dataDirectory = dataDirectory
        do {
            try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw HubError.internalFailure(
                "cannot use \(dataDirectory.path) as the data folder: \(error.localizedDescription)")
        }
        database = try HubDatabase(path: dataDirectory.appendingPathComponent("modelhub.sqlite").path)
        let storage = RepositoryStorage(dataDirectory: dataDirectory)
        let hooks = dataDirectory.appendingPathComponent("hooks")
        if let pushPolicy {
            try storage.sweepTemporaryDirectory()
            try pushPolicy.install(in: hooks, temporaryDirectory: storage.temporaryDirectory)
        }
        accounts = AccountService(store: SQLiteAccountStore(database: database))
        repos = RepoService(store: SQLiteRepoStore(database: database), storage: storage)
        git = GitGateway(repos: repos, transport: GitTransport(hooksDirectory: hooks))
    }

    /// `PRAGMA integrity_check` of the database ("ok" when sound).
    public func databaseIntegrity() async throws -> String {
        try await database.integrityCheck()
    }

    public func close() throws {
        try database.close()
    }
}
