import Foundation
import HubCore
import HubGit
import HubIndex

/// Creating, finding and deleting repositories, and deciding who may read or write each one.
public struct RepoService: Sendable {
    let store: any RepoStore
    let storage: RepositoryStorage
    let namespaces: NamespaceDirectory
    let quotas: any StorageQuotaStore
    let accessRequests: any AccessRequestStore
    /// Where changes are reported (to webhooks).
    let events: HubEvents
    /// The hub this one mirrors, if any (`RepoService+Mirror.swift`).
    let upstream: MirrorUpstream?
    /// One clone or refresh per mirrored repository at a time.
    let mirrorFlights = SingleFlight<String, RepoInfo?>()
    /// Names upstream did not have, and when it was asked.
    let upstreamMisses = BoundedCache<Date>(capacity: 65_536)
    /// Git object bytes by repository row and head commit: a walk of the objects folder, redone
    /// when the default branch moves.
    let gitObjectBytes = BoundedCache<Int64>(capacity: 16_384)
    /// Repacks repositories after they change, in the background.
    let maintenance = RepositoryMaintenance()

    public static let defaultBranch = "main"

    init(
        store: any RepoStore, storage: RepositoryStorage, namespaces: NamespaceDirectory, quotas: any StorageQuotaStore,
        accessRequests: any AccessRequestStore, upstream: MirrorUpstream? = nil, events: HubEvents = HubEvents()
    ) {
        self.store = store
        self.storage = storage
        self.namespaces = namespaces
        self.quotas = quotas
        self.accessRequests = accessRequests
        self.events = events
        self.upstream = upstream
    }

    /// Creates `id` with a first commit on `main` holding the standard `.gitattributes`.
    /// The index row is the commit point: the git repository is built aside and moved into place
    /// inside the row's transaction, so a failure leaves neither behind.
    /// `isPrivate` nil means the namespace's default (an org may make new repositories private).
    public func create(_ id: RepoID, isPrivate: Bool?, sdk: String?, caller: Caller) async throws -> RepoInfo {
        let namespace = try await namespaces.lookUp(id.namespace)
        guard let namespace, AccessPolicy.mayCreate(in: id.namespace, caller: caller) else {
            throw HubError.forbidden(
                "You don't have the rights to create a repository under the namespace '\(id.namespace)'"
                    + (caller.token.role == .read ? ": this token has read access only" : ""))
        }
        let isPrivate = isPrivate ?? namespace.privateByDefault
        if let existing = try await store.find(id) {
            throw HubError.repoExists(existing.id)
        }
        var files = [(".gitattributes", Array(DefaultGitAttributes.contents(for: id.kind).utf8))]
        let spaceCard = id.kind == .space ? Self.spaceCard(name: id.name.value, sdk: sdk ?? "static") : nil
        if let spaceCard { files.append(("README.md", Array(spaceCard.utf8))) }
        let prepared = try storage.prepare(
            files: files,
            message: "initial commit",
            author: GitSignature(name: "system", email: "system@modelhub.local", date: HubDate.now()),
            branch: Self.defaultBranch)
        do {
            let storage = self.storage
            let created = try await store.create(
                NewRepo(id: id, isPrivate: isPrivate, sdk: sdk, creatorID: caller.user.id, headCommit: prepared.commit)
            ) { rowID in
                try storage.install(prepared, as: id, rowID: rowID)
            }
            if let spaceCard { try await store.updateCard(created.id, card: CardMetadata.card(from: spaceCard)) }
            await report("create", scope: "repo", created)
            return created
        } catch {
            storage.discard(prepared)
            throw error
        }
    }

    /// The README a new Space starts with, as on the public hub: a Space is configured by its
    /// card's metadata, so it never exists without one (huggingface_hub's `metadata_update`
    /// refuses a Space without `README.md`).
    static func spaceCard(name: String, sdk: String) -> String {
        """
        ---
        title: \(name)
        emoji: 🚀
        colorFrom: blue
        colorTo: indigo
        sdk: \(sdk)
        pinned: false
        ---

        Check out the configuration reference at https://huggingface.co/docs/hub/spaces-config-reference

        """
    }

    /// Deletes a repository the caller may administer. The row goes first (the commit point), then the files.
    public func delete(_ id: RepoID, caller: Caller?) async throws {
        try await delete(try await grant(id, caller: caller, need: .administer))
    }

    public func delete(_ grant: RepoGrant) async throws {
        try grant.require(.administer)
        let repo = grant.repo
        guard try await store.delete(repo.id) else { throw HubError.repoNotFound }
        try storage.remove(repo.id)
        await report("delete", scope: "repo", repo)
    }

    /// Puts every repository where its index row says, and removes those the index no longer
    /// has. Run at start, before serving. The index is the commit point of every change of place:
    /// - a move renames the row and the folder in one transaction; a crash between the folder's
    ///   rename and the commit leaves the folder at the new place and the row at the old one: the
    ///   folder goes back;
    /// - a delete removes the row, then the folder; a crash between them leaves a folder whose row
    ///   is gone, and a create that crashed before its row was committed leaves one too: removed.
    /// Instances sharing the repositories and the index reconcile one at a time, and never while
    /// another is between a row's change and its commit (`whileNoRepositoryMoves`).
    public func reconcileStorage() async throws -> (moved: Int, removed: Int) {
        let (storage, store) = (self.storage, self.store)
        return try await store.whileNoRepositoryMoves {
            var moved = 0
            var removed = 0
            // Folders and rows are read side by side in row id order, a page of rows per query
            // rather than a query per folder. `rows` holds the page of ids up to `readUpTo`.
            var rows: [Int64: RepoInfo] = [:]
            var readUpTo: Int64 = 0
            for (location, rowID) in try storage.markedRepositories().sorted(by: { $0.rowID < $1.rowID }) {
                while rowID > readUpTo {
                    let page = try await store.rows(after: readUpTo, limit: 500)
                    rows = Dictionary(page.map { ($0.rowID, $0) }, uniquingKeysWith: { first, _ in first })
                    readUpTo = page.last?.rowID ?? .max
                }
                guard let repo = rows[rowID] else {
                    try storage.remove(at: location)
                    removed += 1
                    continue
                }
                if location.standardizedFileURL != storage.location(of: repo.id).standardizedFileURL {
                    try storage.relocate(location, to: repo.id)
                    moved += 1
                }
            }
            return (moved, removed)
        }
    }

    /// Changes visibility, for those who may administer the repository.
    public func setVisibility(_ grant: RepoGrant, isPrivate: Bool) async throws {
        try grant.require(.administer)
        try await store.setPrivate(grant.repo.id, isPrivate: isPrivate)
        guard isPrivate != grant.repo.isPrivate else { return }
        await report("update", scope: "repo.config", try await store.find(rowID: grant.repo.rowID) ?? grant.repo) {
            $0.updatedConfig = ["private": .bool(isPrivate)]
        }
    }

    /// Renames or moves a repository to a namespace where the caller may create repositories,
    /// keeping its git history, LFS objects and counters (they belong to the index row, which is
    /// renamed).
    public func move(_ id: RepoID, to newID: RepoID, caller: Caller?) async throws {
        try await move(try await grant(id, caller: caller, need: .administer), to: newID)
    }

    public func move(_ grant: RepoGrant, to newID: RepoID) async throws {
        try grant.require(.administer)
        let repo = grant.repo
        guard let caller = grant.caller, try await namespaces.lookUp(newID.namespace) != nil,
            AccessPolicy.mayCreate(in: newID.namespace, caller: caller)
        else {
            throw HubError.forbidden("You don't have the rights to move a repository to the namespace '\(newID.namespace)'")
        }
        guard newID.kind == repo.id.kind else { throw HubError.badRequest("A repository keeps its type when it moves") }
        if newID.namespace.key != repo.id.namespace.key {
            // What it holds is charged to its new namespace from now on.
            try await admitStorage(toNamespace: newID.namespace) {
                try await store.find(repo.id, withCounters: true).map { usedStorage(of: $0) } ?? 0
            }
        }
        let storage = self.storage
        let from = repo.id
        do {
            try await store.rename(from, to: newID) {
                try storage.move(from, to: newID)
            }
            await report("move", scope: "repo", repo) { $0.movedTo = newID }
        } catch HubError.repoExists(let existing) {
            // The public hub's wording (huggingface_hub's tests/test_hf_api.py matches it).
            throw HubError.conflict("A \(existing.kind.rawValue) repository called \(existing.path) already exists")
        }
    }

    /// Where a request for `id` should go when no repository is there: the repository that was
    /// renamed away from `id`, if `caller` may read it there. Nil when `id` exists (it is served
    /// as it is) or when there is nowhere the caller may go, so a private repository's old name
    /// looks exactly like a missing one.
    public func redirect(from id: RepoID, caller: Caller?) async throws -> RepoID? {
        guard try await store.find(id) == nil else { return nil }
        return try await readableRedirect(kind: id.kind, from: id.path, caller: caller)
    }

    /// Whether a repository is at `id` (visible or not).
    public func exists(_ id: RepoID) async throws -> Bool {
        try await store.find(id) != nil
    }

    /// The repository the one-segment id `name` (`gpt2`) is an alias of, if `caller` may read it.
    public func alias(kind: RepoKind, name: String, caller: Caller?) async throws -> RepoID? {
        guard HubName.brokenRule(in: name) == nil else { return nil }
        return try await readableRedirect(kind: kind, from: name, caller: caller)
    }

    func readableRedirect(kind: RepoKind, from path: String, caller: Caller?) async throws -> RepoID? {
        guard let target = try await store.redirect(kind: kind, from: path),
            AccessPolicy.access(to: target, caller: caller) >= .read
        else { return nil }
        return target.id
    }

    /// Makes `name` an alias of `target` (a site operator's decision, from the command line), or
    /// removes the alias when `target` is nil.
    public func setAlias(kind: RepoKind, name: String, to target: RepoID?) async throws {
        if let rule = HubName.brokenRule(in: name) {
            throw HubError.invalidName("Invalid alias '\(HubName.printable(name))': \(rule)")
        }
        if target != nil, AccountService.reservedNamespaces.contains(name.lowercased()) {
            throw HubError.invalidName("The name '\(name)' is reserved: it is part of the hub's own URLs")
        }
        try await store.setAlias(kind: kind, name: name, to: target)
    }

    public func aliases() async throws -> [(kind: RepoKind, name: String, target: RepoID)] {
        try await store.aliases()
    }

    /// The repository, if `caller` has the access `need` to it, with that access: the one access
    /// check of every use case, which route groups make once per request. A repository the caller
    /// may not see is missing (or, for a write without credentials, asks for them, as a private
    /// one would); one they may see but not change is forbidden (`RepoGrant.require`).
    /// With `pinningIndexVersion`, the index version is read first and kept in the grant, for
    /// answers cached by version.
    public func grant(
        _ id: RepoID, caller: Caller?, need: RepoAccess = .read, withCounters: Bool = false,
        pinningIndexVersion: Bool = false
    ) async throws -> RepoGrant {
        var version = pinningIndexVersion ? try await store.indexVersion() : nil
        var found = try await store.find(id, withCounters: withCounters)
        if upstream != nil, try await prepareMirror(of: id, found: found) {
            // Just mirrored: read as any other request would read it.
            version = pinningIndexVersion ? try await store.indexVersion() : nil
            found = try await store.find(id, withCounters: withCounters)
        }
        let access = found.map { repo in
            repo.mirror == nil ? AccessPolicy.access(to: repo, caller: caller) : Self.mirrorAccess(to: repo, caller: caller)
        } ?? RepoAccess.none
        guard let repo = found, access >= .read else {
            throw need > .read && caller == nil ? HubError.authenticationRequired : HubError.repoNotFound
        }
        let grant = RepoGrant(repo: repo, access: access, caller: caller, indexVersion: version)
        try grant.require(need)
        return grant
    }

    /// The repository, if `caller` may see it. Private repositories the caller may not see are
    /// reported exactly like missing ones.
    public func readable(_ id: RepoID, caller: Caller?, withCounters: Bool = false) async throws -> RepoInfo {
        try await grant(id, caller: caller, withCounters: withCounters).repo
    }

    /// Changes whenever anything in the index changes: a value derived from what was read at one
    /// version (and from immutable git objects) may be reused while the version stays the same.
    public func indexVersion() async throws -> Int64 {
        try await store.indexVersion()
    }

    /// The repository, if `caller` may push to it.
    public func writable(_ id: RepoID, caller: Caller?) async throws -> RepoInfo {
        try await grant(id, caller: caller, need: .write).repo
    }

    /// Re-reads the head of `main` after git changed the repository, and stores it in the index
    /// with what its card (README.md) says.
    ///
    /// The repository is looked up again by its row: a push that raced a rename finishes in the
    /// moved folder, and must update the row under its new name.
    public func refreshHead(of repo: RepoInfo) async throws {
        guard let repo = try await store.find(rowID: repo.rowID) else { return }
        let git = try GitRepository.open(at: storage.location(of: repo.id))
        let head = try git.commit(atRef: "refs/heads/\(Self.defaultBranch)")
        let card = try head.map { try CardMetadata.card(in: git, commit: $0.id) } ?? RepoCard()
        try await store.updateHead(of: repo.id, commit: head?.id, lastModified: HubDate.now(), card: card)
    }

    /// Reads the head again when the index's is not git's (one ref read when they agree).
    public func refreshHeadIfBehind(_ repo: RepoInfo) async throws {
        let head = try GitRepository.open(at: storage.location(of: repo.id)).commit(atRef: "refs/heads/\(Self.defaultBranch)")?.id
        if head != repo.headCommit { try await refreshHead(of: repo) }
    }

    /// Repairs what a crash left in repositories, at start: the index is brought in line with git
    /// where the server died between a push moving the branch and the index reading it, and
    /// what killed pushes left in `objects/` is removed once older than `pushGracePeriod`.
    /// One ref read and two folder listings per repository.
    public func repairAfterCrash(
        pushGracePeriod: TimeInterval = 3600
    ) async throws -> (heads: Int, pushes: Int, unreadable: [RepoID]) {
        var heads = 0
        var pushes = 0
        var unreadable: [RepoID] = []
        try await forEachRepository { repo in
            let location = storage.location(of: repo.id)
            pushes += storage.sweepAbandonedPushes(in: location, olderThan: pushGracePeriod)
            // One repository whose folder is gone or broken is reported, never a reason to stop:
            // every other repository is still repaired and served.
            let head: String?
            do {
                head = try GitRepository.open(at: location).commit(atRef: "refs/heads/\(Self.defaultBranch)")?.id
            } catch {
                unreadable.append(repo.id)
                return
            }
            if head != repo.headCommit {
                try await refreshHead(of: repo)
                heads += 1
            }
        }
        return (heads, pushes, unreadable)
    }

    /// Calls `body` with every repository of every kind, private ones included, by pages in row
    /// id order: each page starts where the last one ended, so a page costs the same at the
    /// 100,000th repository as at the first, and a push that lands meanwhile (`modelhub reindex`
    /// runs beside the server) moves no repository between pages.
    func forEachRepository(_ body: (RepoInfo) async throws -> Void) async throws {
        var last: Int64 = 0
        while true {
            let page = try await store.rows(after: last, limit: 500)
            for repo in page { try await body(repo) }
            guard let end = page.last else { break }
            last = end.rowID
        }
    }

    /// Rebuilds the index rows of every repository from git (`modelhub reindex`).
    public func reindexAll() async throws -> Int {
        var count = 0
        try await forEachRepository { repo in
            try await refreshHead(of: repo)
            count += 1
        }
        return count
    }

    /// Downloads, likes and trending score of a repository the caller has already been allowed to read.
    /// What the public hub calls `usedStorage`: the bytes of every LFS object the repository
    /// holds (in any version) plus its git objects. `repo` must carry its counters
    /// (`readable(_:caller:withCounters:)`).
    public func usedStorage(of repo: RepoInfo) -> Int64 {
        let key = "\(repo.rowID)@\(repo.headCommit ?? "")"
        let gitBytes: Int64
        if let cached = gitObjectBytes.value(for: key) {
            gitBytes = cached
        } else {
            gitBytes = storage.objectBytes(of: repo.id)
            gitObjectBytes.store(gitBytes, for: key)
        }
        return repo.counters.lfsBytes + gitBytes
    }

    /// Repositories matching `query` that `caller` may see.
    public func search(_ query: RepoQuery, caller: Caller?) async throws -> (repos: [RepoInfo], hasMore: Bool) {
        var query = query
        query.privateVisibility = AccessPolicy.privateVisibility(for: caller)
        return try await store.search(query)
    }

    /// The user or organization `name` names, if either exists.
    public func namespace(named name: HubName) async throws -> Namespace? {
        try await namespaces.lookUp(name)
    }

    /// The facet counts of a listing, over the repositories `caller` may see.
    public func facets(_ query: RepoQuery, caller: Caller?, limit: Int = 12) async throws -> RepoFacets {
        var query = query
        query.privateVisibility = AccessPolicy.privateVisibility(for: caller)
        return try await store.facets(query, limit: limit)
    }

    /// Every repository of `namespace` (all kinds) the caller may see, newest change first.
    public func repositories(of namespace: HubName, caller: Caller?) async throws -> [RepoInfo] {
        var all: [RepoInfo] = []
        for kind in RepoKind.allCases {
            var query = RepoQuery(kind: kind)
            query.author = namespace.value
            query.privateVisibility = AccessPolicy.privateVisibility(for: caller)
            query.limit = 1000
            while true {
                let (page, hasMore) = try await store.search(query)
                all += page
                guard hasMore else { break }
                query.offset += page.count
            }
        }
        return all.sorted { $0.lastModified > $1.lastModified }
    }

    /// How many `kind` repositories of `author` the caller may see.
    public func count(kind: RepoKind, author: String, caller: Caller?) async throws -> Int {
        var query = RepoQuery(kind: kind)
        query.author = author
        query.privateVisibility = AccessPolicy.privateVisibility(for: caller)
        return try await store.count(query)
    }

    /// How many `kind` repositories exist, private ones included (for the operator's metrics).
    public func countAll(kind: RepoKind) async throws -> Int {
        var query = RepoQuery(kind: kind)
        query.privateVisibility.all = true
        return try await store.count(query)
    }

    func location(of repo: RepoInfo) -> URL {
        storage.location(of: repo.id)
    }
}
