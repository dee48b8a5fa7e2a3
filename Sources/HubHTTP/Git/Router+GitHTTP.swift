import Hummingbird
import HubServices

extension Router<HubRequestContext> {
    /// git's smart HTTP protocol (`{repo}.git/info/refs`, `git-upload-pack`, `git-receive-pack`),
    /// answered by the git binary itself.
    package func addGitHTTPRoutes(git: GitGateway, maxFetchRequestSize: Int) {
        GitHTTPController(git: git, maxFetchRequestSize: maxFetchRequestSize).register(on: self)
    }
}
