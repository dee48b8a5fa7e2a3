import Hummingbird
import HubHTTP
import HubServices

extension Router<HubRequestContext> {
    /// The web UI: pages, forms and `/static/` assets. Its routes are the only ones that read the
    /// session cookie, and its failures go out as HTML pages.
    package func addWebUIRoutes(hub: Hub, baseURL: BaseURL, allowSignUp: Bool) {
        PublicFiles().register(on: self)
        let pages = group().add(middleware: WebSessionMiddleware(accounts: hub.accounts))
        let web = WebController(hub: hub, baseURL: baseURL)
        web.register(on: pages)
        WebAccountController(web: web, allowSignUp: allowSignUp).register(on: pages)
        WebManageController(web: web).register(on: pages)
        WebEditController(web: web).register(on: pages)
        StaticSpaceController(files: hub.files).register(on: pages)
    }
}
