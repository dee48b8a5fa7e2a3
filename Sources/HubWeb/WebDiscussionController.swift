import Foundation
import Hummingbird
import HubCore
import HubHTTP
import HubMarkdown
import HubServices

/// A repository's Community tab: its discussions and pull requests, each with its timeline
/// (comments rendered from markdown), a pull request's changed files and conflicts, and the
/// forms of the API's calls: open a discussion, comment, close or reopen, merge. The same
/// services decide who may do what (`DiscussionService`), so the page shows a form only to
/// whoever the service would let through.
struct WebDiscussionController {
    let hub: Hub
    let pages: WebPages

    func register(on router: some RouterMethods<HubRequestContext>) {
        for kind in RepoKind.allCases {
            let list = SiteURL.Route.repo(kind).routerPath(appending: "/discussions")
            let discussion = SiteURL.Route.discussion(kind)
            let pages = router.group().add(middleware: WebRepoAccess.middleware(hub, kind, need: .read))
            pages.get(list) { request, context in
                try await listPage(request, context: context)
            }
            pages.get(discussion.routerPath) { _, context in
                let grant = try context.grantedRepo()
                return try await discussionPage(context: context, grant: grant, num: try context.discussionNumber())
            }
            router.post(list) { request, context in
                let form = try await WebForm.read(request, context: context)
                let grant = try await WebRepoAccess.formGrant(hub, kind, context: context)
                let opened = try await hub.discussions.open(
                    grant, title: form["title"] ?? "", description: form["description"] ?? "", pullRequest: false)
                return Response.redirect(to: SiteURL.discussion(grant.repo.id, opened.num).path, type: .normal)
            }
            router.post(discussion.routerPath(appending: "/comment")) { request, context in
                try await act(request, context: context, kind: kind) { grant, num, form in
                    _ = try await hub.discussions.comment(grant, num: num, text: form["comment"] ?? "")
                }
            }
            router.post(discussion.routerPath(appending: "/status")) { request, context in
                try await act(request, context: context, kind: kind) { grant, num, form in
                    guard let status = form["status"].flatMap(DiscussionStatus.init(rawValue:)) else {
                        throw HubError.badRequest("The status is open or closed")
                    }
                    _ = try await hub.discussions.changeStatus(grant, num: num, to: status, comment: form["comment"])
                }
            }
            router.post(discussion.routerPath(appending: "/merge")) { request, context in
                try await act(request, context: context, kind: kind) { grant, num, form in
                    _ = try await hub.discussions.merge(grant, num: num, comment: form["comment"])
                }
            }
        }
    }

    /// A form's change, then back to the discussion; a change the service refuses (a merge that
    /// conflicts, a comment too long) is shown on the page with the hub's reason.
    func act(
        _ request: Request, context: HubRequestContext, kind: RepoKind,
        _ change: (RepoGrant, Int, WebForm) async throws -> Void
    ) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let grant = try await WebRepoAccess.formGrant(hub, kind, context: context)
        let num = try context.discussionNumber()
        do {
            try await change(grant, num, form)
        } catch HubError.badRequest(let message) {
            return try await discussionPage(context: context, grant: grant, num: num, error: message, status: .badRequest)
        } catch HubError.conflict(let message) {
            return try await discussionPage(context: context, grant: grant, num: num, error: message, status: .conflict)
        } catch HubError.forbidden(let message) {
            return try await discussionPage(context: context, grant: grant, num: num, error: message, status: .forbidden)
        }
        return Response.redirect(to: SiteURL.discussion(grant.repo.id, num).path, type: .normal)
    }

    // MARK: Pages

    func listPage(_ request: Request, context: HubRequestContext) async throws -> Response {
        let grant = try context.grantedRepo()
        let repo = grant.repo
        let page = try WebFormat.pageNumber(request)
        // Web pages count from 1, the API from 0.
        let listing = try await hub.discussions.list(grant, type: nil, status: nil, author: nil, page: page - 1)
        var view = pages.repoHeader(grant, revision: RepoService.defaultBranch, tab: "discussions")
        view["discussions"] = listing.discussions.map { discussion -> [String: Any] in
            [
                "num": discussion.num, "title": discussion.title, "status": discussion.status.rawValue,
                "kind": discussion.isPullRequest ? "Pull request" : "Discussion", "author": discussion.authorName ?? "deleted",
                "date": WebFormat.day(discussion.createdAt), "target": discussion.targetBranch as Any,
                "href": SiteURL.discussion(repo.id, discussion.num).path,
            ]
        }
        view["canParticipate"] = Self.mayParticipate(grant)
        if listing.start + listing.discussions.count < listing.count {
            view["nextHref"] = SiteURL.repo(repo.id).path + "/discussions" + WebFormat.query([("p", String(page + 1))])
        }
        return pages.render("discussions", view, context: context)
    }

    func discussionPage(
        context: HubRequestContext, grant: RepoGrant, num: Int, error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let repo = grant.repo
        let details = try await hub.discussions.details(grant, num: num, withDiff: false)
        let discussion = details.discussion
        var view = pages.repoHeader(grant, revision: RepoService.defaultBranch, tab: "discussions")
        let isAuthor = grant.caller.map { discussion.authorID == $0.user.id } ?? false
        let canParticipate = Self.mayParticipate(grant)
        let canManage = canParticipate && (isAuthor || grant.access >= .write)
        view["discussion"] = [
            "num": discussion.num, "title": discussion.title, "status": discussion.status.rawValue,
            "kind": discussion.isPullRequest ? "Pull request" : "Discussion", "author": discussion.authorName ?? "deleted",
            "date": WebFormat.day(discussion.createdAt), "target": discussion.targetBranch as Any,
            "ref": discussion.isPullRequest ? discussion.ref : nil as String?, "mergeCommit": discussion.mergeCommit as Any,
            "href": SiteURL.discussion(repo.id, discussion.num).path,
            "filesHref": discussion.isPullRequest ? SiteURL.atRevision(repo.id, .tree, revision: discussion.ref).path : nil as String?,
        ]
        view["events"] = details.events.map { event -> [String: Any] in
            var entry: [String: Any] = [
                "id": event.id, "author": event.authorName ?? "deleted", "date": WebFormat.day(event.createdAt),
            ]
            switch event.content {
            case .comment(let comment):
                entry["comment"] = true
                entry["hidden"] = comment.hidden
                entry["edited"] = comment.edited
                entry["html"] = comment.hidden ? nil : Markdown.html(comment.text)
            case .statusChange(let status):
                entry["statusChange"] = status.rawValue
            case .commit(let oid, let subject):
                entry["commit"] = ["subject": subject, "short": String(oid.prefix(7)), "href": SiteURL.commit(repo.id, oid).path]
            case .titleChange(let from, let to):
                entry["titleChange"] = ["from": from, "to": to]
            }
            return entry
        }
        if discussion.isPullRequest, discussion.acceptsCommits, try await hub.repos.mayReadFiles(grant) {
            let changes = try await hub.discussions.changedFiles(grant, of: discussion)
            view["changes"] = changes.map { change -> [String: Any] in
                [
                    "path": change.path, "status": change.status.rawValue,
                    "href": change.status == .deleted
                        ? nil as String? : SiteURL.atRevision(repo.id, .blob, revision: discussion.ref, path: change.path).path,
                ]
            }
            view["hasChanges"] = !changes.isEmpty
            view["conflicts"] = details.conflictingFiles ?? []
            view["hasConflicts"] = !(details.conflictingFiles ?? []).isEmpty
            view["canMerge"] = grant.access >= .write && repo.mirror == nil && (details.conflictingFiles ?? []).isEmpty
        }
        view["canComment"] = canParticipate
        view["canClose"] = canManage && discussion.status != .merged && discussion.status != .closed
        view["canReopen"] = canManage && discussion.status == .closed
        view["error"] = error
        return pages.render("discussion", view, context: context, status: status)
    }

    static func mayParticipate(_ grant: RepoGrant) -> Bool {
        (try? grant.requireParticipation()) != nil
    }
}
