import Foundation
import Hummingbird
import HubCore
import HubServices

/// Discussions and pull requests as huggingface_hub calls them (`hf_api.py`:
/// `get_repo_discussions`, `get_discussion_details`, `create_discussion`, `create_pull_request`,
/// `comment_discussion`, `edit_discussion_comment`, `hide_discussion_comment`,
/// `rename_discussion`, `change_discussion_status`, `merge_pull_request`), and the JSON its
/// `community.py` reads back.
struct DiscussionController {
    let discussions: DiscussionService
    let repos: RepoService
    let baseURL: BaseURL
    /// Comments go out as markdown and as HTML (`DiscussionComment.rendered`).
    let renderMarkdown: @Sendable (String) -> String

    func register(on router: Router<HubRequestContext>) {
        for kind in RepoKind.allCases {
            let base = "/api/\(kind.plural)/:namespace/:name/discussions"
            let reads = router.group().add(middleware: RepoAssignmentMiddleware(repos: repos, kind: kind, need: .read))
            reads.get(RouterPath(base)) { request, context in try await list(request, context: context) }
            reads.post(RouterPath(base)) { request, context in try await open(request, context: context) }
            reads.get(RouterPath(base + "/:num")) { request, context in try await details(request, context: context) }
            reads.post(RouterPath(base + "/:num/comment")) { request, context in
                let body = try await request.decodeJSON(CommentRequest.self, context: context)
                let event = try await discussions.comment(try context.grantedRepo(), num: try context.discussionNumber(), text: body.comment)
                return JSONBody.response(object: ["newMessage": EventJSON(event, renderMarkdown: renderMarkdown)])
            }
            reads.post(RouterPath(base + "/:num/comment/:comment/edit")) { request, context in
                let body = try await request.decodeJSON(EditRequest.self, context: context)
                let event = try await discussions.editComment(
                    try context.grantedRepo(), num: try context.discussionNumber(), commentID: context.parameters.get("comment") ?? "",
                    text: body.content)
                return JSONBody.response(object: ["updatedComment": EventJSON(event, renderMarkdown: renderMarkdown)])
            }
            reads.post(RouterPath(base + "/:num/comment/:comment/hide")) { _, context in
                let event = try await discussions.hideComment(
                    try context.grantedRepo(), num: try context.discussionNumber(), commentID: context.parameters.get("comment") ?? "")
                return JSONBody.response(object: ["updatedComment": EventJSON(event, renderMarkdown: renderMarkdown)])
            }
            reads.post(RouterPath(base + "/:num/title")) { request, context in
                let body = try await request.decodeJSON(TitleRequest.self, context: context)
                let event = try await discussions.rename(try context.grantedRepo(), num: try context.discussionNumber(), title: body.title)
                return JSONBody.response(object: ["newTitle": EventJSON(event, renderMarkdown: renderMarkdown)])
            }
            reads.post(RouterPath(base + "/:num/status")) { request, context in
                let body = try await request.decodeJSON(StatusRequest.self, context: context)
                guard let status = DiscussionStatus(rawValue: body.status), status == .open || status == .closed else {
                    throw HubError.badRequest("The status is open or closed")
                }
                let event = try await discussions.changeStatus(
                    try context.grantedRepo(), num: try context.discussionNumber(), to: status, comment: body.comment)
                return JSONBody.response(object: ["newStatus": EventJSON(event, renderMarkdown: renderMarkdown)])
            }
            reads.post(RouterPath(base + "/:num/merge")) { request, context in
                let body = try await request.decodeJSONIfPresent(MergeRequest.self, context: context)
                let grant = try context.grantedRepo()
                let merged = try await discussions.merge(grant, num: try context.discussionNumber(), comment: body?.comment)
                return JSONBody.response(
                    object: DiscussionJSON(merged, repo: grant.repo, url: discussionURL(grant.repo.id, merged.num, request)))
            }
        }
    }

    func discussionURL(_ id: RepoID, _ num: Int, _ request: Request) -> String {
        SiteURL.discussion(id, num).absolute(baseURL.url(for: request))
    }

    // MARK: Reading

    func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        let grant = try context.grantedRepo()
        let query = request.uri.queryParameters
        let page = try query.get("p").map { text -> Int in
            guard text.count <= 9, let page = Int(text), page >= 0 else { throw HubError.badRequest("p is a page number from 0") }
            return page
        } ?? 0
        let listing = try await discussions.list(
            grant, type: query.get("type"), status: query.get("status"), author: query.get("author"), page: page)
        return JSONBody.response(
            object: DiscussionPage(
                discussions: listing.discussions.map {
                    DiscussionJSON($0, repo: grant.repo, url: discussionURL(grant.repo.id, $0.num, request))
                },
                count: listing.count, start: listing.start, numClosedDiscussions: listing.closedCount))
    }

    func details(_ request: Request, context: HubRequestContext) async throws -> Response {
        let grant = try context.grantedRepo()
        let withDiff = ["1", "true"].contains(request.uri.queryParameters.get("diff") ?? "")
        let details = try await discussions.details(grant, num: try context.discussionNumber(), withDiff: withDiff)
        var json = DiscussionJSON(
            details.discussion, repo: grant.repo, url: discussionURL(grant.repo.id, details.discussion.num, request))
        json.events = details.events.map { EventJSON($0, renderMarkdown: renderMarkdown) }
        json.filesWithConflicts = details.conflictingFiles
        json.diff = details.diff
        return JSONBody.response(object: json)
    }

    // MARK: Writing

    struct OpenRequest: Decodable {
        let title: String
        let description: String?
        let pullRequest: Bool?
    }

    struct OpenResponse: Encodable {
        let num: Int
        let url: String
        let pullRequest: Bool
    }

    func open(_ request: Request, context: HubRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(OpenRequest.self, context: context)
        let grant = try context.grantedRepo()
        let opened = try await discussions.open(
            grant, title: body.title, description: body.description ?? "", pullRequest: body.pullRequest ?? false)
        return JSONBody.response(
            object: OpenResponse(
                num: opened.num, url: discussionURL(grant.repo.id, opened.num, request), pullRequest: opened.isPullRequest))
    }

    struct CommentRequest: Decodable {
        let comment: String
    }

    struct EditRequest: Decodable {
        let content: String
    }

    struct TitleRequest: Decodable {
        let title: String
    }

    struct StatusRequest: Decodable {
        let status: String
        let comment: String?
    }

    struct MergeRequest: Decodable {
        let comment: String?
    }

    // MARK: JSON

    struct RepoJSON: Encodable {
        let name: String
        let type: String
    }

    struct Author: Encodable {
        let name: String
        let type = "user"
    }

    /// A discussion as listed; details add its events, and for a pull request its conflicting
    /// files and (`?diff=1`) its diff, as `get_discussion_details` reads them.
    struct DiscussionJSON: Encodable {
        struct Changes: Encodable {
            let base: String
            let mergeCommitId: String?
        }
        let num: Int
        let title: String
        let status: String
        let isPullRequest: Bool
        let createdAt: String
        let author: Author?
        let repo: RepoJSON
        let pinned = false
        let locked = false
        let url: String
        let changes: Changes?
        var events: [EventJSON]?
        var filesWithConflicts: [String]?
        var diff: String?

        init(_ discussion: Discussion, repo: RepoInfo, url: String) {
            num = discussion.num
            title = discussion.title
            status = discussion.status.rawValue
            isPullRequest = discussion.isPullRequest
            createdAt = HubDate.format(discussion.createdAt)
            author = discussion.authorName.map { Author(name: $0) }
            self.repo = RepoJSON(name: repo.id.path, type: repo.id.kind.rawValue)
            self.url = url
            changes = discussion.targetBranch.map {
                Changes(base: "refs/heads/\($0)", mergeCommitId: discussion.mergeCommit)
            }
        }
    }

    /// One event of a timeline (`deserialize_event` in huggingface_hub's `community.py`).
    struct EventJSON: Encodable {
        struct Version: Encodable {
            let raw: String
            let html: String
            let updatedAt: String
            let author: Author?
        }
        struct Data: Encodable {
            // comment
            var edited: Bool?
            var hidden: Bool?
            var latest: Version?
            var numEdits: Int?
            var editors: [String]?
            var history: [Version]?
            var reactions: [String]?
            // status-change
            var status: String?
            // commit
            var subject: String?
            var oid: String?
            // title-change
            var from: String?
            var to: String?
        }
        let id: String
        let type: String
        let createdAt: String
        let author: Author?
        let data: Data

        init(_ event: DiscussionEvent, renderMarkdown: (String) -> String) {
            id = event.id
            type = event.type
            createdAt = HubDate.format(event.createdAt)
            author = event.authorName.map { Author(name: $0) }
            var data = Data()
            switch event.content {
            case .comment(let comment):
                data.edited = comment.edited
                data.hidden = comment.hidden
                data.latest = Version(
                    raw: comment.text, html: renderMarkdown(comment.text), updatedAt: HubDate.format(comment.updatedAt),
                    author: comment.editorName.map { Author(name: $0) })
                data.numEdits = comment.history.count
                data.editors = Array(Set(comment.history.compactMap(\.editorName) + [comment.editorName].compactMap { $0 })).sorted()
                data.history = comment.history.map {
                    Version(
                        raw: $0.text, html: renderMarkdown($0.text), updatedAt: HubDate.format($0.updatedAt),
                        author: $0.editorName.map { Author(name: $0) })
                }
                data.reactions = []
            case .statusChange(let status):
                data.status = status.rawValue
            case .commit(let oid, let subject):
                data.oid = oid
                data.subject = subject
            case .titleChange(let from, let to):
                data.from = from
                data.to = to
            }
            self.data = data
        }
    }

    struct DiscussionPage: Encodable {
        let discussions: [DiscussionJSON]
        let count: Int
        let start: Int
        let numClosedDiscussions: Int
    }
}
