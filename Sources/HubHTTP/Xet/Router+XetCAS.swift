import Hummingbird
import HubServices

extension Router<HubRequestContext> {
    /// Xet's CAS under `/xet` (xorbs, shards, dedup queries, reconstructions and the signed xorb
    /// windows they hand out) and hf_xet's telemetry at the root. Requests carry a Xet token from
    /// the HF API's `xet-read-token` / `xet-write-token` routes, not a hub token.
    package func addXetCASRoutes(xet: XetService, baseURL: BaseURL) {
        CASController(xet: xet, baseURL: baseURL).register(on: self)
    }
}
