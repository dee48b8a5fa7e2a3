import Foundation
import HubCore
import HubGit
import HubStorage

/// Everything the hub serves, opened on one data folder and a set of stores (`HubStores`, picked
/// by the composition root; by default, in the same folder):
///
/// ```
/// data/modelhub.sqlite   accounts, tokens, the repository index (the default index)
/// data/repos/…           bare git repositories
/// data/lfs/objects/…     LFS objects, content-addressed, shared by all repositories (the default blob store)
/// data/xet/xorbs/…       Xet's xorbs (chunks of files uploaded through Xet), shared the same way
/// data/hooks/pre-receive the push policy (runs the modelhub binary)
/// data/secret.key        signs the self-authorising LFS transfer URLs and Xet tokens
/// data/tmp/              writes in flight (same filesystem, so renames are atomic)
/// ```
public final class Hub: Sendable {
    public let dataDirectory: URL
    public let accounts: AccountService
    public let orgs: OrgService
    public let repos: RepoService
    public let git: GitGateway
    public let lfs: LFSService
    public let xet: XetService
    public let files: FileService
    public let commits: CommitService
    public let discussions: DiscussionService
    public let refs: RefService
    public let counters: CounterService
    public let webhooks: WebhookService
    let closeStores: @Sendable () throws -> Void
    let scratch: ScratchArea

    /// The largest LFS object accepted, by default the public hub's 500 GB.
    public static let defaultMaxObjectSize: Int64 = 500_000_000_000

    /// Objects larger than this are uploaded in parts of this size (multipart transfer).
    public static let defaultMultipartChunkSize: Int64 = 64 << 20

    /// Regular (non-LFS) files larger than this are refused, on push and in API commits.
    public static let defaultMaxGitFileSize = 10 * 1024 * 1024

    /// The hub on `dataDirectory` (git repositories, the signing secret, writes in flight) and
    /// `stores`. With a push policy it is opened for serving: the pre-receive hook that runs
    /// `policy.executable hook pre-receive` is installed (what dead hubs left in `tmp/` is
    /// cleared by the server's maintenance, at start and hourly: `ScratchArea.sweepAbandoned`);
    /// without one, for the admin commands and the push hook. `signingSecret`, when given, signs
    /// transfer URLs and Xet tokens instead of `data/secret.key` (instances that share it accept
    /// each other's URLs).
    public init(
        dataDirectory: URL, stores: HubStores, pushPolicy: PushHook?, maxObjectSize: Int64 = defaultMaxObjectSize,
        multipartChunkSize: Int64 = defaultMultipartChunkSize, signingSecret: [UInt8]? = nil
    ) throws {
        let dataDirectory = try Self.prepareDataDirectory(dataDirectory)
        self.dataDirectory = dataDirectory
        scratch = stores.scratch
        closeStores = stores.close
        let storage = RepositoryStorage(dataDirectory: dataDirectory, temporaryDirectory: stores.scratch.directory)
        let hooks = dataDirectory.appendingPathComponent("hooks")
        if let pushPolicy {
            try pushPolicy.install(in: hooks, dataDirectory: dataDirectory, temporaryDirectory: storage.temporaryDirectory)
        }
        let events = HubEvents()
        accounts = AccountService(store: stores.accounts)
        orgs = OrgService(store: stores.orgs, accounts: stores.accounts)
        repos = RepoService(
            store: stores.repos, storage: storage,
            namespaces: NamespaceDirectory(accounts: stores.accounts, orgs: stores.orgs), quotas: stores.storageQuotas,
            accessRequests: stores.accessRequests, upstream: stores.upstream, events: events)
        let discussions = DiscussionService(repos: repos, store: stores.discussions)
        self.discussions = discussions
        git = GitGateway(
            repos: repos, transport: GitTransport(hooksDirectory: hooks), hookSettings: pushPolicy?.environment ?? [:])
        let secret = try signingSecret ?? SigningSecret.load(from: dataDirectory, temporaryDirectory: storage.temporaryDirectory)
        xet = XetService(
            files: stores.xetFiles, lfs: stores.lfs, xorbs: stores.xorbs, repos: repos, discussions: discussions, secret: secret)
        lfs = LFSService(
            repos: repos, discussions: discussions, store: stores.lfs, blobs: stores.blobs, xet: xet,
            signer: TransferSigner(secret: secret),
            maxObjectSize: maxObjectSize, multipartChunkSize: multipartChunkSize, scratch: stores.scratch)
        files = FileService(repos: repos, lfs: lfs)
        commits = CommitService(
            repos: repos, lfs: lfs, discussions: discussions,
            maxGitFileSize: pushPolicy?.maxFileSize ?? Self.defaultMaxGitFileSize)
        refs = RefService(repos: repos)
        counters = CounterService(repos: repos, store: stores.counters)
        let webhooks = WebhookService(
            store: stores.webhooks, accounts: stores.accounts, orgs: stores.orgs, settings: stores.webhookSettings)
        self.webhooks = webhooks
        // A pull request's timeline records its commits before webhooks hear of them.
        events.listen { await discussions.recordCommits(of: $0) }
        events.listen { await webhooks.record($0) }
    }

    /// Returns once the background repacks scheduled so far are done.
    public func finishMaintenance() async {
        await repos.maintenance.drain()
    }

    /// Stops the background repacks: those not started are dropped, a running one finishes.
    /// Called once the server stopped serving.
    public func stopMaintenance() async {
        await repos.maintenance.stop()
    }

    /// The data folder as an absolute path, created if missing. Absolute: git runs the hook
    /// (which is handed this path) inside each repository.
    public static func prepareDataDirectory(_ url: URL) throws -> URL {
        let folder = url.absoluteURL.standardizedFileURL
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw HubError.internalFailure("cannot use \(folder.path) as the data folder: \(error.localizedDescription)")
        }
        return folder
    }

    public func close() throws {
        scratch.release()
        try closeStores()
    }
}
