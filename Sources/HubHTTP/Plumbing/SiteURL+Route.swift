import Hummingbird
import HubCore

extension SiteURL {
    /// The shape of each kind of link, and the router pattern that serves it, from one layout:
    /// `SiteURL.path` fills a layout with escaped values, `pattern` with the router's parameters
    /// (`:namespace/:name`, `:revision`, the `**` catch-all), so a page and the links to it cannot
    /// drift apart (SwiftPackageIndex-Server's `SiteURL` serves its routes and links the same way).
    package enum Route: Sendable, Hashable {
        case profile
        case repo(RepoKind)
        /// `withPath`: a file or folder below the revision (`/tree/main/docs`), or the root (`/tree/main`).
        case atRevision(RepoKind, RevisionView, withPath: Bool)
        case commit(RepoKind)
        case branches(RepoKind)
        case settings(RepoKind)
        case orgMembers
        case discussion(RepoKind)
        /// A static Space's app: its root (`/app`), or a file of it (`/app/…`).
        case app(withPath: Bool)
        /// The Git LFS API's root; routes add `/objects/batch`, `/locks` …
        case gitLFS(RepoKind)

        /// The router pattern: the layout with parameters in place of values. The repository's
        /// `:name` also takes a `.git` suffix (`context.repoID(kind:)` drops it), so one pattern
        /// serves `{repo}.git/info/lfs` and `{repo}/info/lfs`.
        package var pattern: String {
            layout(
                ":namespace/:name", revision: ":revision", path: "**", number: ":num",
                name: self == .orgMembers ? ":org" : ":namespace")
        }

        package var routerPath: RouterPath { RouterPath(pattern) }

        /// The pattern with more path after it (`gitLFS` + `/objects/batch`).
        package func routerPath(appending suffix: String) -> RouterPath { RouterPath(pattern + suffix) }

        /// Each link's layout, written once. `repo` is `namespace/name` (without the kind's
        /// prefix, which the layout adds); `name` is the one segment of a profile or an organization.
        func layout(
            _ repo: String, revision: String = "", path: String = "", number: String = "", name: String? = nil
        ) -> String {
            switch self {
            case .profile: "/" + (name ?? repo)
            case .repo(let kind): "/" + kind.urlPrefix + repo
            case .atRevision(let kind, let view, let withPath):
                "/\(kind.urlPrefix)\(repo)/\(view.rawValue)/\(revision)" + (withPath ? "/" + path : "")
            case .commit(let kind): "/\(kind.urlPrefix)\(repo)/commit/\(revision)"
            case .branches(let kind): "/\(kind.urlPrefix)\(repo)/branches"
            case .settings(let kind): "/\(kind.urlPrefix)\(repo)/settings"
            case .orgMembers: "/organizations/\(name ?? repo)/members"
            case .discussion(let kind): "/\(kind.urlPrefix)\(repo)/discussions/\(number)"
            case .app(let withPath): "/\(RepoKind.space.urlPrefix)\(repo)/app" + (withPath ? "/" + path : "")
            case .gitLFS(let kind): "/\(kind.urlPrefix)\(repo)/info/lfs"
            }
        }
    }
}
