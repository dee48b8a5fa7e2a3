import HubCore
import HubHTTP
import HubServices

extension WebPages {
    /// The header every repository page shows: its name, visibility, whether it mirrors the
    /// upstream hub, tabs and, for those who may administer it, the settings tab.
    func repoHeader(_ grant: RepoGrant, revision: String, tab: String) -> [String: Any] {
        let repo = grant.repo
        var header: [String: Any] = [
            "canAdminister": grant.access >= .administer, "tabSettings": tab == "settings",
            "id": repo.id.path, "namespace": repo.id.namespace.value, "name": repo.id.name.value,
            "profileHref": SiteURL.profile(repo.id.namespace.value).path, "repoHref": SiteURL.repo(repo.id).path,
            "private": repo.isPrivate, "revision": SiteURL.escape(revision),
            "cardLabel": repo.id.kind == .dataset ? "Dataset card" : repo.id.kind == .space ? "App" : "Model card",
            "tabCard": tab == "card", "tabFiles": tab == "files", "tabCommits": tab == "commits",
            "tabBranches": tab == "branches", "tabDiscussions": tab == "discussions",
        ]
        if let mirror = repo.mirror {
            header["mirror"] = ["fetched": HubDate.format(mirror.fetchedAt), "pinned": mirror.pinned]
        }
        return header
    }
}
