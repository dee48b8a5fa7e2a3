import Hummingbird
import HubServices

extension Router<HubRequestContext> {
    /// The Hugging Face Hub's HTTP API as huggingface_hub calls it: `/api/…` (repositories,
    /// commits, refs, organizations, listings, likes) and `/{repo}/resolve/{revision}/{path}`.
    /// Comments are rendered with `renderMarkdown` (the web UI's renderer, handed over by the
    /// composition root). Errors go out as HF JSON with `X-Error-Code` (`HubErrorMiddleware`, added with the plumbing).
    package func addHubAPIRoutes(hub: Hub, baseURL: BaseURL, renderMarkdown: @escaping @Sendable (String) -> String) {
        AccountAPIController().register(on: self)
        RepoAPIController(repos: hub.repos, baseURL: baseURL).register(on: self)
        RepoInfoController(files: hub.files, repos: hub.repos, baseURL: baseURL).register(on: self)
        FileController(files: hub.files, lfs: hub.lfs, counters: hub.counters, repos: hub.repos, baseURL: baseURL).register(on: self)
        LFSFilesController(lfs: hub.lfs, repos: hub.repos, baseURL: baseURL).register(on: self)
        XetController(xet: hub.xet, repos: hub.repos, baseURL: baseURL).register(on: self)
        CommitController(commits: hub.commits, repos: hub.repos, baseURL: baseURL).register(on: self)
        DiscussionController(
            discussions: hub.discussions, repos: hub.repos, baseURL: baseURL, renderMarkdown: renderMarkdown
        ).register(on: self)
        RefController(refs: hub.refs, repos: hub.repos, baseURL: baseURL).register(on: self)
        OrgController(orgs: hub.orgs, repos: hub.repos, baseURL: baseURL).register(on: self)
        StorageController(repos: hub.repos, orgs: hub.orgs, baseURL: baseURL).register(on: self)
        ListingController(repos: hub.repos, files: hub.files, baseURL: baseURL).register(on: self)
        AccessRequestController(repos: hub.repos).register(on: self)
        WebhookController(webhooks: hub.webhooks).register(on: self)
        LikesController(counters: hub.counters, accounts: hub.accounts, repos: hub.repos, baseURL: baseURL).register(on: self)
    }
}
