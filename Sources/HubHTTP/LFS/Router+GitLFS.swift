import Hummingbird
import HubServices

extension Router<HubRequestContext> {
    /// The Git LFS API (`{repo}.git/info/lfs/…`: batch, transfers, verify, locks), whose errors
    /// go out in Git LFS's JSON (`LFSErrorMiddleware`), not the HF API's.
    package func addGitLFSRoutes(lfs: LFSService, repos: RepoService, baseURL: BaseURL) {
        let routes = group().add(middleware: LFSErrorMiddleware())
        LFSController(lfs: lfs, repos: repos, baseURL: baseURL).register(on: routes)
        LFSLocksController(lfs: lfs, repos: repos).register(on: routes)
    }
}
