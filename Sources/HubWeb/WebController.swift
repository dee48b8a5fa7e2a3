import Foundation
import Hummingbird
import HubCore
import HubHTTP
import HubMarkdown
import HubServices

/// The web UI's pages: home, the model/dataset/space listings with their filters, profiles, and
/// each repository's card, files, history and commits, at the URLs git and huggingface_hub use.
/// Pages read through the same services (and so the same access policy) as the API.
struct WebController {
    let hub: Hub
    let pages: WebPages
    let baseURL: BaseURL

    static let pageSize = 30
    static let commitsPageSize = 50

    func register(on router: some RouterMethods<HubRequestContext>) {
        router.get("/") { request, context in try await home(request, context: context) }
        for kind in RepoKind.allCases {
            router.get(RouterPath("/\(kind.plural)")) { request, context in
                try await listing(request, context: context, kind: kind)
            }
            let pages = router.group().add(middleware: WebRepoAccess.middleware(hub, kind, need: .read))
            router.group()
                .add(middleware: WebRepoAccess.middleware(hub, kind, need: .read, withCounters: true))
                .get(SiteURL.Route.repo(kind).routerPath) { request, context in
                    try await repoPage(request, context: context, kind: kind)
                }
            // The branch switcher is a plain form (no script): ?rev=… → /tree/{rev}.
            router.get(SiteURL.Route.repo(kind).routerPath(appending: "/tree")) { request, context in
                let id = try context.repoID(kind: kind)
                let revision = request.uri.queryParameters.get("rev") ?? RepoService.defaultBranch
                return Response.redirect(to: SiteURL.atRevision(id, .tree, revision: revision).path, type: .found)
            }
            for withPath in [false, true] {
                pages.get(SiteURL.Route.atRevision(kind, .tree, withPath: withPath).routerPath) { request, context in
                    try await treePage(request, context: context)
                }
            }
            pages.get(SiteURL.Route.atRevision(kind, .blob, withPath: true).routerPath) { request, context in
                try await blobPage(request, context: context)
            }
            pages.get(SiteURL.Route.atRevision(kind, .commits, withPath: false).routerPath) { request, context in
                try await commitsPage(request, context: context)
            }
            pages.get(SiteURL.Route.commit(kind).routerPath) { request, context in
                try await commitPage(request, context: context)
            }
        }
        router.get(SiteURL.Route.profile.routerPath) { request, context in try await profile(request, context: context) }
    }

    // MARK: Pieces shared by pages

    struct RepoCardView {
        let id: String
        let href: String
        let `private`: Bool
        let task: String?
        let updated: String
        let downloads: Int64
        let likes: Int64

        init(_ repo: RepoInfo) {
            id = repo.id.path
            href = SiteURL.repo(repo.id).path
            self.private = repo.isPrivate
            task = repo.card.pipelineTag
            updated = WebFormat.day(repo.lastModified)
            downloads = repo.counters.downloads
            likes = repo.counters.likes
        }
    }

    // MARK: Home and listings

    func home(_ request: Request, context: HubRequestContext) async throws -> Response {
        let caller = try context.webCaller()
        var sections: [[String: Any]] = []
        for (kind, title) in [(RepoKind.model, "Trending models"), (.dataset, "Trending datasets"), (.space, "Trending spaces")] {
            var query = RepoQuery(kind: kind)
            query.order = .trendingScore
            query.limit = 6
            let repos = try await hub.repos.search(query, caller: caller).repos
            sections.append(["title": title, "href": "/\(kind.plural)?sort=trending", "repos": repos.map(RepoCardView.init)])
        }
        for (kind, title) in [(RepoKind.model, "Recently updated models"), (.dataset, "Recently updated datasets"),
                              (.space, "Recently updated spaces")] {
            var recent = RepoQuery(kind: kind)
            recent.limit = 6
            let repos = try await hub.repos.search(recent, caller: caller).repos
            sections.append(["title": title, "href": "/\(kind.plural)?sort=updated", "repos": repos.map(RepoCardView.init)])
        }
        return pages.render("home", ["sections": sections, "baseURL": baseURL.url(for: request)], context: context)
    }

    static let sorts: [(value: String, label: String, order: RepoQuery.Order)] = [
        ("trending", "Trending", .trendingScore), ("downloads", "Most downloads", .downloads),
        ("likes", "Most likes", .likes), ("updated", "Recently updated", .lastModified),
        ("created", "Recently created", .createdAt),
    ]

    func listing(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        let parameters = request.uri.queryParameters
        let search = parameters.get("search").flatMap { $0.isEmpty ? nil : $0 }
        // The filters, each a facet: task and library are columns, language and license tags.
        let filters: [(name: String, value: String)] = ["task", "library", "language", "license"].compactMap { name in
            parameters.get(name).flatMap { $0.isEmpty ? nil : (name, $0) }
        }
        var query = RepoQuery(kind: kind)
        query.text = search
        for (name, value) in filters {
            switch name {
            case "task": query.pipelineTag = value
            case "library": query.tags.append(value)
            default: query.tags.append("\(name):\(value)")
            }
        }
        let sortName = parameters.get("sort") ?? (search == nil ? "trending" : "relevance")
        query.order = Self.sorts.first { $0.value == sortName }?.order ?? (search == nil ? .trendingScore : .relevance)
        let page = try WebFormat.pageNumber(request)
        query.limit = Self.pageSize
        query.offset = (page - 1) * Self.pageSize
        let caller = try context.webCaller()
        let (repos, hasMore) = try await hub.repos.search(query, caller: caller)
        let facets = try await hub.repos.facets(query, caller: caller)

        let path = "/\(kind.plural)"
        var state: [(String, String)] = filters.map { ($0.name, $0.value) }
        if let search { state.append(("search", search)) }
        if parameters.get("sort") != nil { state.append(("sort", sortName)) }
        func link(replacing name: String, with value: String?) -> String {
            var items = state.filter { $0.0 != name && $0.0 != "p" }
            if let value { items.append((name, value)) }
            return path + WebFormat.query(items)
        }
        let facetSections: [[String: Any]] = [
            ("task", "Tasks", facets.tasks), ("library", "Libraries", facets.libraries),
            ("language", "Languages", facets.languages), ("license", "Licenses", facets.licenses),
        ].filter { !$0.2.isEmpty }.map { name, title, values in
            let current = filters.first { $0.name == name }?.value
            return [
                "title": title,
                "values": values.map { value, count -> [String: Any] in
                    let active = value == current
                    return ["value": value, "count": count, "active": active,
                            "href": link(replacing: name, with: active ? nil : value)]
                },
            ]
        }
        var view: [String: Any] = [
            "heading": kind.plural.capitalized, "path": path, "search": search ?? "",
            "sorts": Self.sorts.map { ["value": $0.value, "label": $0.label, "selected": $0.value == sortName] },
            "hidden": filters.map { ["name": $0.name, "value": $0.value] },
            "facets": facetSections, "repos": repos.map(RepoCardView.init),
        ]
        let pageState = state.filter { $0.0 != "p" }
        if page > 1 { view["previous"] = path + WebFormat.query(pageState + [("p", String(page - 1))]) }
        if hasMore { view["next"] = path + WebFormat.query(pageState + [("p", String(page + 1))]) }
        return pages.render("listing", view, context: context)
    }

    func profile(_ request: Request, context: HubRequestContext) async throws -> Response {
        guard let name = context.parameters.get("namespace"), let namespace = try? HubName(name),
            let found = try await hub.repos.namespace(named: namespace)
        else {
            throw HubError.userNotFound(context.parameters.get("namespace") ?? "")
        }
        let repos = try await hub.repos.repositories(of: namespace, caller: try context.webCaller())
        let sections: [[String: Any]] = RepoKind.allCases.compactMap { kind in
            let ofKind = repos.filter { $0.id.kind == kind }
            return ofKind.isEmpty ? nil : ["title": kind.plural.capitalized, "repos": ofKind.map(RepoCardView.init)]
        }
        let view: [String: Any]
        switch found {
        case .user(let user):
            view = [
                "name": user.name.value, "fullname": user.fullname, "isOrg": false, "sections": sections,
                "isSelf": context.webSession?.caller.user.id == user.id,
            ]
        case .org(let org):
            view = [
                "name": org.name.value, "fullname": org.fullname, "isOrg": true, "sections": sections,
                "membersHref": (AccessPolicy.maySeeRoles(of: org.name, caller: try context.webCaller())
                    ? SiteURL.orgMembers(org.name.value).path : nil) as Any,
            ]
        }
        return pages.render("profile", view, context: context)
    }

    // MARK: A repository

    func usage(for repo: RepoInfo, base: String) -> String {
        let typeArgument = repo.id.kind == .model ? "" : ", repo_type=\"\(repo.id.kind.rawValue)\""
        return """
            # huggingface_hub
            from huggingface_hub import snapshot_download
            snapshot_download("\(repo.id.path)"\(typeArgument), endpoint="\(base)")

            # git
            git clone \(SiteURL.repo(repo.id).absolute(base))

            # curl
            curl -L -O \(SiteURL.atRevision(repo.id, .resolve, revision: "main", path: "README.md").absolute(base))
            """
    }

    func repoPage(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        let grant = try context.grantedRepo()
        let repo = grant.repo
        let resolved = try hub.files.revision(of: repo, revision: RepoService.defaultBranch)
        let card = try hub.files.card(of: repo, commit: resolved.commit)
        var view = pages.repoHeader(grant, revision: RepoService.defaultBranch, tab: "card")
        let body = card.text.trimmingCharacters(in: .whitespacesAndNewlines)
        view["cardHTML"] = body.isEmpty ? nil : Markdown.html(body)
        view["task"] = card.pipelineTag
        view["library"] = card.libraryName
        view["license"] = card.tags.first { $0.hasPrefix("license:") }.map { String($0.dropFirst("license:".count)) }
        view["tags"] = card.tags
        view["hasTags"] = !card.tags.isEmpty
        view["downloads"] = repo.counters.downloads
        view["likes"] = repo.counters.likes
        view["gate"] = try await WebManageController.gateNotice(grant, hub: hub)
        if let session = context.webSession {
            let liked = try await hub.counters.hasLiked(repo, caller: session.caller)
            view["likeValue"] = liked ? "false" : "true"
            view["likeLabel"] = liked ? "Unlike" : "Like"
        }
        view["size"] = WebFormat.size(hub.repos.usedStorage(of: repo))
        view["updated"] = WebFormat.day(resolved.date)
        view["kindLabel"] = kind.rawValue
        view["usage"] = usage(for: repo, base: baseURL.url(for: request))
        if kind == .space, repo.sdk == "static" {
            view["appHref"] = SiteURL.app(repo.id).path
            return pages.render("repo", view, context: context, policy: WebPages.framingContentSecurityPolicy)
        }
        if kind == .space {
            view["sdkNote"] = "This hub does not run \(repo.sdk ?? "this kind of") Spaces: see the app's files under Files."
        }
        return pages.render("repo", view, context: context)
    }

    /// Links to each folder above `path`, starting with the repository's root.
    func crumbs(_ repo: RepoInfo, revision: String, path: String) -> [[String: String]] {
        var crumbs = [["name": repo.id.name.value, "href": SiteURL.atRevision(repo.id, .tree, revision: revision).path]]
        var walked: [String] = []
        for part in path.split(separator: "/").dropLast() {
            walked.append(String(part))
            crumbs.append([
                "name": String(part),
                "href": SiteURL.atRevision(repo.id, .tree, revision: revision, path: walked.joined(separator: "/")).path,
            ])
        }
        return crumbs
    }

    func treePage(_ request: Request, context: HubRequestContext) async throws -> Response {
        let grant = try context.grantedRepo()
        let repo = grant.repo
        let (revision, path) = try context.revisionAndPath()
        let (resolved, entries) = try await hub.files.tree(of: repo, revision: revision, path: path, recursive: false)
        let sorted = entries.sorted { ($0.isDirectory ? 0 : 1, $0.path) < ($1.isDirectory ? 0 : 1, $1.path) }
        var view = pages.repoHeader(grant, revision: revision, tab: "files")
        view["crumbs"] = crumbs(repo, revision: revision, path: path.isEmpty ? "" : path + "/x")
        view["entries"] = sorted.map { entry -> [String: Any] in
            [
                "name": entry.path.split(separator: "/").last.map(String.init) ?? entry.path,
                "directory": entry.isDirectory, "lfs": entry.lfs != nil,
                "size": entry.isDirectory ? "" : WebFormat.size(entry.size),
                "href": SiteURL.atRevision(repo.id, entry.isDirectory ? .tree : .blob, revision: revision, path: entry.path).path,
            ]
        }
        let refs = try hub.refs.refs(grant)
        var names = refs.compactMap { ref -> String? in
            for prefix in ["refs/heads/", "refs/tags/"] where ref.name.hasPrefix(prefix) { return String(ref.name.dropFirst(prefix.count)) }
            return nil
        }
        if !names.contains(revision) { names.insert(revision, at: 0) }
        view["refs"] = names.map { ["name": $0, "selected": $0 == revision] }
        if context.webSession != nil, grant.access >= .write, refs.contains(where: { $0.name == "refs/heads/\(revision)" })
        {
            let folder = path.isEmpty ? "" : "?folder=" + (path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            view["newFileHref"] = SiteURL.atRevision(repo.id, .newFile, revision: revision).path + folder
            view["uploadAction"] = SiteURL.atRevision(repo.id, .upload, revision: revision, path: path).path
            view["parent"] = resolved.commit
        }
        return pages.render("tree", view, context: context)
    }

    func blobPage(_ request: Request, context: HubRequestContext) async throws -> Response {
        let grant = try context.grantedRepo()
        let (revision, path) = try context.revisionAndPath()
        let file = try await hub.files.resolve(grant, revision: revision, path: path, followLFS: true)
        var view = pages.repoHeader(grant, revision: revision, tab: "files")
        view["path"] = path
        view["fileName"] = path.split(separator: "/").last.map(String.init) ?? path
        view["crumbs"] = crumbs(file.repo, revision: revision, path: path)
        view["size"] = WebFormat.size(file.size)
        view["downloadHref"] = SiteURL.atRevision(file.repo.id, .resolve, revision: revision, path: path).path
        view["rawHref"] = SiteURL.atRevision(file.repo.id, .raw, revision: revision, path: path).path
        if case .inline = file.content, context.webSession != nil, grant.access >= .write,
            try hub.refs.refs(grant).contains(where: { $0.name == "refs/heads/\(revision)" })
        {
            view["editHref"] = SiteURL.atRevision(file.repo.id, .edit, revision: revision, path: path).path
            view["deleteAction"] = SiteURL.atRevision(file.repo.id, .delete, revision: revision, path: path).path
            view["commit"] = file.commit
        }
        switch file.content {
        case .lfs(let pointer):
            view["lfs"] = true
            view["sha256"] = pointer.oid.hex
            view["notShown"] = "This file is stored with Git LFS; download it to see it."
        case .inline(let bytes):
            if bytes.count <= WebFormat.textLimit, !bytes.contains(0), let text = String(validating: bytes, as: UTF8.self) {
                view["text"] = text
            } else {
                view["notShown"] = bytes.count > WebFormat.textLimit ? "This file is too large to show." : "This is a binary file."
            }
        }
        return pages.render("blob", view, context: context)
    }

    func commitsPage(_ request: Request, context: HubRequestContext) async throws -> Response {
        let grant = try context.grantedRepo()
        let repo = grant.repo
        let (revision, _) = try context.revisionAndPath()
        let page = try WebFormat.pageNumber(request)
        let (entries, hasMore) = try hub.refs.commits(
            grant, revision: revision, offset: (page - 1) * Self.commitsPageSize, limit: Self.commitsPageSize)
        var view = pages.repoHeader(grant, revision: revision, tab: "commits")
        view["commits"] = entries.map { entry -> [String: Any] in
            ["title": entry.title, "author": entry.authorName, "date": WebFormat.day(entry.date), "short": String(entry.id.prefix(8)),
             "href": SiteURL.commit(repo.id, entry.id).path]
        }
        let here = SiteURL.atRevision(repo.id, .commits, revision: revision).path
        if page > 1 { view["previous"] = here + "?p=\(page - 1)" }
        if hasMore { view["next"] = here + "?p=\(page + 1)" }
        return pages.render("commits", view, context: context)
    }

    func commitPage(_ request: Request, context: HubRequestContext) async throws -> Response {
        let grant = try context.grantedRepo()
        let repo = grant.repo
        let (revision, _) = try context.revisionAndPath()
        let (entry, changes) = try hub.refs.commit(grant, revision: revision)
        var view = pages.repoHeader(grant, revision: RepoService.defaultBranch, tab: "commits")
        let message = entry.message.trimmingCharacters(in: .whitespacesAndNewlines)
        view["title"] = entry.title
        view["message"] = message == entry.title ? nil : message
        view["author"] = entry.authorName
        view["date"] = WebFormat.day(entry.date)
        view["sha"] = entry.id
        view["changes"] = changes.map { change -> [String: Any] in
            var item: [String: Any] = ["path": change.path, "status": change.status.rawValue]
            if change.status != .deleted {
                item["href"] = SiteURL.atRevision(repo.id, .blob, revision: entry.id, path: change.path).path
            }
            return item
        }
        return pages.render("commit", view, context: context)
    }
}
