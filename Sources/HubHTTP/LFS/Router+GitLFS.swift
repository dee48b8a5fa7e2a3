import Hummingbird
import HubServices

extension Router<HubRequestContext> {
    /// The Git LFS API (`{repo}.git/info/lfs/…`: batch, transfers, verify, locks), whose errors
    /// go out in Git LFS's JSON (`LFSErrorMiddleware`), not the HF API's.
    package func addGitLFSRoutes(lfs: LFSService, baseURL: BaseURL) {
        let routes = group().add(middleware: LFSErrorMiddleware())
        LFSController(lfs: lfs, baseURL: baseURL).register(on: routes)
        LFSLocksController(lfs: lfs).register(on: routes)
    }
}
