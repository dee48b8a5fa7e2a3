import HTTPTypes
import Hummingbird
import HubCore
import HubServices

/// Sends requests for a name that is not a repository's to where the repository is, as the
/// public hub does: the old `namespace/name` of a renamed repository and a one-segment alias
/// (`gpt2` → `openai-community/gpt2`) answer `307 Temporary Redirect` to the same path at the
/// repository's name, on every surface (API, `/resolve/`, git, LFS, web pages). huggingface_hub
/// and git follow it, keeping the method and body. Access is checked at the target, so the old
/// name of a private repository looks exactly like a missing one to a stranger.
///
/// A one-segment id that leads nowhere on the API or `/resolve/` answers 404 `RepoNotFound`,
/// so `repo_exists`, `file_exists` and `revision_exists` return False. `/{name}` alone stays a
/// profile page, and git remotes always have two segments.
struct RepoRedirectMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext

    let repos: RepoService
    let baseURL: BaseURL

    /// The segments that follow a repository id in an API path (`/api/models/{id}/tree/…`): with
    /// one of these second, `/api/models/gpt2/tree/main` is the alias `gpt2`, not a repository
    /// `gpt2/tree`, unless that repository exists.
    static let apiSubresources: Set<Substring> = [
        "revision", "tree", "paths-info", "refs", "commits", "commit", "preupload", "branch", "tag", "settings",
        "discussions", "like", "likers", "xet-read-token", "xet-write-token", "lfs-files", "super-squash",
        "auth-check", "treesize", "compare",
    ]

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        // Old names and aliases are looked up only once the request failed as a missing
        // repository would: a request for a repository that is there costs nothing more.
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error where Self.meansMissing(error) {
            if let redirected = try await redirect(request, context: context) { return redirected }
            if case .oneSegment? = RepoPathShape(path: request.uri.path) { throw HubError.repoNotFound }
            throw error
        }
        // git, LFS and the web pages answer a missing repository in their own format.
        guard response.status == .notFound || response.status == .unauthorized else { return response }
        return try await redirect(request, context: context) ?? response
    }

    /// What a route throws for a repository that is not there (or not visible), and what the
    /// router throws for a path no route takes (a one-segment id).
    static func meansMissing(_ error: any Error) -> Bool {
        switch error {
        case HubError.repoNotFound, HubError.authenticationRequired: true
        case let error as HTTPError: error.status == .notFound
        default: false
        }
    }

    /// The 307 for a request whose path names an old name or an alias the caller may follow.
    func redirect(_ request: Request, context: Context) async throws -> Response? {
        guard let shape = RepoPathShape(path: request.uri.path) else { return nil }
        let caller: Caller?
        do {
            caller = try context.caller()
        } catch {
            return nil  // bad credentials are answered as such, never redirected
        }
        switch shape {
        case .twoSegments(let id, let range, let segments):
            guard let moved = try await repos.redirect(from: id, caller: caller) else { return nil }
            return redirect(request, segments: segments, replacing: range, with: moved)
        case .oneSegment(let kind, let name, let index, let segments, let ambiguousWith):
            if let ambiguousWith {
                if try await repos.exists(ambiguousWith) { return nil }
                // `/api/models/alice/tree` once named a repository `alice/tree` that was renamed.
                if let moved = try await repos.redirect(from: ambiguousWith, caller: caller) {
                    return redirect(request, segments: segments, replacing: index..<(index + 2), with: moved)
                }
            }
            guard let aliased = try await repos.alias(kind: kind, name: name, caller: caller) else { return nil }
            return redirect(request, segments: segments, replacing: index..<(index + 1), with: aliased)
        }
    }

    /// `307` to the request's own path with the repository's segments replaced by `id`'s.
    func redirect(_ request: Request, segments: [Substring], replacing range: Range<Int>, with id: RepoID) -> Response {
        var rewritten = segments.map(String.init)
        let oldLast = segments[range.upperBound - 1]
        let suffix = oldLast.hasSuffix(".git") ? ".git" : ""
        rewritten.replaceSubrange(range, with: [id.namespace.value, id.name.value + suffix])
        var location = baseURL.url(for: request) + rewritten.joined(separator: "/")
        if let query = request.uri.query, !query.isEmpty { location += "?" + query }
        return Response(status: .temporaryRedirect, headers: [.location: location, .contentLength: "0"])
    }
}

/// Where a repository id sits in a request path, when the path is one that names a repository.
enum RepoPathShape {
    /// `namespace/name` at `range` of the path's segments (`[""]` first: paths start with `/`).
    case twoSegments(RepoID, range: Range<Int>, segments: [Substring])
    /// A one-segment id at `index`; `ambiguousWith` is the repository the same path would name
    /// if read as `namespace/name`, which wins when it exists.
    case oneSegment(RepoKind, name: String, index: Int, segments: [Substring], ambiguousWith: RepoID?)

    init?(path: String) {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count >= 2, segments[0].isEmpty else { return nil }
        if segments[1] == "api" {
            guard segments.count >= 4, let kind = RepoKind(plural: String(segments[2])) else { return nil }
            if segments.count == 4 {
                self = .oneSegment(kind, name: String(segments[3]), index: 3, segments: segments, ambiguousWith: nil)
                return
            }
            let second = segments[4]
            let afterSecond = segments.count > 5 ? segments[5] : nil
            if RepoRedirectMiddleware.apiSubresources.contains(second),
                afterSecond.map({ !RepoRedirectMiddleware.apiSubresources.contains($0) }) ?? true
            {
                self = .oneSegment(
                    kind, name: String(segments[3]), index: 3, segments: segments,
                    ambiguousWith: try? RepoID(kind: kind, namespace: String(segments[3]), name: String(second)))
                return
            }
            guard let id = try? RepoID(kind: kind, namespace: String(segments[3]), name: String(second)) else { return nil }
            self = .twoSegments(id, range: 3..<5, segments: segments)
            return
        }
        var start = 1
        var kind = RepoKind.model
        if segments[1] == "datasets" || segments[1] == "spaces", segments.count >= 4 {
            kind = segments[1] == "datasets" ? .dataset : .space
            start = 2
        }
        guard segments.count > start + 1 else { return nil }
        let first = segments[start]
        let second = segments[start + 1]
        // `/{name}/resolve/{revision}/{path}`: a one-segment id (a repository `{name}/resolve`
        // would be reached as `/{name}/resolve/resolve/…`).
        if second == "resolve", segments.count > start + 3, segments[start + 2] != "resolve" {
            self = .oneSegment(kind, name: String(first), index: start, segments: segments, ambiguousWith: nil)
            return
        }
        let name = second.hasSuffix(".git") ? second.dropLast(4) : second
        guard let id = try? RepoID(kind: kind, namespace: String(first), name: String(name)) else { return nil }
        self = .twoSegments(id, range: start..<(start + 2), segments: segments)
    }
}
