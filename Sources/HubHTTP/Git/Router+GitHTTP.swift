import Hummingbird
import HubServices

extension Router<HubRequestContext> {
    /// git's smart HTTP protocol (`{repo}.git/info/refs`, `git-upload-pack`, `git-receive-pack`),
    /// answered by the git binary itself, whose errors go out as git's plain text
    /// (`GitErrorMiddleware`), not the HF API's JSON.
    package func addGitHTTPRoutes(git: GitGateway, repos: RepoService, maxFetchRequestSize: Int) {
        GitHTTPController(git: git, repos: repos, maxFetchRequestSize: maxFetchRequestSize).register(on: self)
    }
}
