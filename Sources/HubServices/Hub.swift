import Foundation
import HubCore
import HubGit
import HubIndex
import HubStorage

/// Everything the hub serves, opened on one data folder:
///
/// ```
/// data/modelhub.sqlite   accounts, tokens, the repository index
/// data/repos/…           bare git repositories
/// data/lfs/objects/…     LFS objects, content-addressed, shared by all repositories
/// data/hooks/pre-receive the push policy (runs the modelhub binary)
/// data/secret.key        signs the self-authorising LFS transfer URLs
/// data/tmp/              writes in flight (same filesystem, so renames are atomic)
/// ```
public final class Hub: Sendable {
    public let dataDirectory: URL
    public let accounts: AccountService
    public let orgs: OrgService
    public let repos: RepoService
    public let git: GitGateway
    public let lfs: LFSService
    public let files: FileService
    public let commits: CommitService
    public let refs: RefService
    public let counters: CounterService
    let database: HubDatabase

    /// The largest LFS object accepted, by default the public hub's 500 GB.
    public static let defaultMaxObjectSize: Int64 = 500_000_000_000

    /// Opens the data folder for the admin commands and the push hook: accounts and the index, no serving.
    /// Objects larger than this are uploaded in parts of this size (multipart transfer).
    public static let defaultMultipartChunkSize: Int64 = 64 << 20

    public convenience init(dataDirectory: URL) throws {
        try self.init(
            dataDirectory: dataDirectory, pushPolicy: nil, maxObjectSize: Self.defaultMaxObjectSize,
            multipartChunkSize: Self.defaultMultipartChunkSize, maxGitFileSize: Self.defaultMaxGitFileSize)
    }

    /// Regular (non-LFS) files larger than this are refused, on push and in API commits.
    public static let defaultMaxGitFileSize = 10 * 1024 * 1024

    /// Opens the data folder for serving: clears `tmp/` of crashed writes and installs the
    /// pre-receive hook that runs `policy.executable hook pre-receive`.
    public convenience init(
        serving dataDirectory: URL, pushPolicy: PushHook, maxObjectSize: Int64 = defaultMaxObjectSize,
        multipartChunkSize: Int64 = defaultMultipartChunkSize
    ) throws {
        try self.init(
            dataDirectory: dataDirectory, pushPolicy: pushPolicy, maxObjectSize: maxObjectSize,
            multipartChunkSize: multipartChunkSize, maxGitFileSize: pushPolicy.maxFileSize)
    }

    private init(
        dataDirectory: URL, pushPolicy: PushHook?, maxObjectSize: Int64, multipartChunkSize: Int64, maxGitFileSize: Int
    ) throws {
        // Absolute: git runs the hook (which is handed this path) inside each repository.
        let dataDirectory = dataDirectory.absoluteURL.standardizedFileURL
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
            try pushPolicy.install(in: hooks, dataDirectory: dataDirectory, temporaryDirectory: storage.temporaryDirectory)
        }
        let accountStore = SQLiteAccountStore(database: database)
        let orgStore = SQLiteOrgStore(database: database)
        accounts = AccountService(store: accountStore)
        orgs = OrgService(store: orgStore, accounts: accountStore)
        repos = RepoService(
            store: SQLiteRepoStore(database: database), storage: storage,
            namespaces: NamespaceDirectory(accounts: accountStore, orgs: orgStore))
        git = GitGateway(repos: repos, transport: GitTransport(hooksDirectory: hooks))
        lfs = LFSService(
            repos: repos, store: SQLiteLFSStore(database: database), blobs: LocalBlobStore(dataDirectory: dataDirectory),
            signer: TransferSigner(secret: try SigningSecret.load(from: dataDirectory, temporaryDirectory: storage.temporaryDirectory)),
            maxObjectSize: maxObjectSize, multipartChunkSize: multipartChunkSize)
        files = FileService(repos: repos, lfs: lfs)
        commits = CommitService(
            repos: repos, lfs: lfs, discussionStore: SQLiteDiscussionStore(database: database), maxGitFileSize: maxGitFileSize)
        refs = RefService(repos: repos)
        counters = CounterService(repos: repos, store: SQLiteCounterStore(database: database))
    }

    public func close() throws {
        try database.close()
    }
}
