import Foundation
import HubCore

/// The hub's URLs, written once: web pages link and redirect with them, API answers carry them
/// (`url`, `commitUrl`, `pullRequestUrl`, Git LFS `href`s). Revisions and paths are
/// percent-encoded segment by segment, so a branch `refs/pr/1` or a file `a b#c.txt` stays one
/// link. `path` is relative to the hub (`/alice/demo/tree/main`); `absolute(_:)` puts the base
/// URL the client reached the hub at in front.
package enum SiteURL: Sendable, Equatable {
    /// A user's or an organization's profile: `/{namespace}`.
    case profile(String)
    /// A repository's page: `/{ns}/{name}`, `/datasets/{ns}/{name}`, `/spaces/{ns}/{name}`.
    case repo(RepoID)
    /// What a repository holds at a revision: `/{repo}/{view}/{revision}[/{path}]`.
    case atRevision(RepoID, RevisionView, revision: String, path: String = "")
    /// One commit's page: `/{repo}/commit/{id}`.
    case commit(RepoID, String)
    case branches(RepoID)
    case settings(RepoID)
    /// An organization's members (for its administrators): `/organizations/{org}/members`.
    case orgMembers(String)
    /// A pull request: `/{repo}/discussions/{num}`.
    case discussion(RepoID, Int)
    /// A static Space's app, framed by its page: `/spaces/{ns}/{name}/app/`.
    case app(RepoID)
    /// The Git LFS API's root for a repository: `/{repo}.git/info/lfs`.
    case gitLFS(RepoID)

    /// The views a revision is seen through, named as they appear in the URL.
    package enum RevisionView: String, Sendable {
        case tree, blob, resolve, raw, edit, delete, upload, commits
        case newFile = "new"
    }

    package var path: String {
        switch self {
        case .profile(let namespace): Route.profile.layout(Self.escape(namespace))
        case .repo(let id): Route.repo(id.kind).layout(Self.filled(id))
        case .atRevision(let id, let view, let revision, let path):
            Route.atRevision(id.kind, view, withPath: !path.isEmpty)
                .layout(Self.filled(id), revision: Self.escape(revision), path: Self.escape(path))
        case .commit(let id, let commit): Route.commit(id.kind).layout(Self.filled(id), revision: commit)
        case .branches(let id): Route.branches(id.kind).layout(Self.filled(id))
        case .settings(let id): Route.settings(id.kind).layout(Self.filled(id))
        case .orgMembers(let org): Route.orgMembers.layout(Self.escape(org))
        case .discussion(let id, let num): Route.discussion(id.kind).layout(Self.filled(id), number: String(num))
        case .app(let id): Route.app(withPath: true).layout(Self.filled(id))
        // git-lfs asks `{repo}.git/info/lfs`, as git clones `{repo}.git`.
        case .gitLFS(let id): Route.gitLFS(id.kind).layout(Self.filled(id) + ".git")
        }
    }

    /// The repository part of a link: its namespace and name, each escaped.
    private static func filled(_ id: RepoID) -> String {
        escape(id.namespace.value) + "/" + escape(id.name.value)
    }

    /// The URL with the hub's base in front (`BaseURL.url(for:)`).
    package func absolute(_ base: String) -> String {
        base + path
    }

    /// Each path segment percent-encoded, the slashes kept.
    package static func escape(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map {
            $0.addingPercentEncoding(withAllowedCharacters: segmentAllowed) ?? ""
        }.joined(separator: "/")
    }

    private static let segmentAllowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))
}
