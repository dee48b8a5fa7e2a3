import Hummingbird
import HubHTTP
import HubServices

extension Router<HubRequestContext> {
    /// The web UI: pages, forms and `/static/` assets. Its routes are the only ones that read the
    /// session cookie, and its failures go out as HTML pages.
    package func addWebUIRoutes(hub: Hub, baseURL: BaseURL, allowSignUp: Bool) {
        PublicFiles().register(on: self)
        let pages = WebPages()
        let signedIn = group().add(middleware: WebSessionMiddleware(accounts: hub.accounts))
        // A static Space's own files fail like any file download (HF JSON), not as pages.
        StaticSpaceController(hub: hub).register(on: signedIn)
        let routes = signedIn.group().add(middleware: WebErrorMiddleware(pages: pages))
        WebController(hub: hub, pages: pages, baseURL: baseURL).register(on: routes)
        WebAccountController(hub: hub, pages: pages, baseURL: baseURL, allowSignUp: allowSignUp).register(on: routes)
        WebManageController(hub: hub, pages: pages).register(on: routes)
        WebEditController(hub: hub, pages: pages).register(on: routes)
        WebDiscussionController(hub: hub, pages: pages).register(on: routes)
        WebWebhookController(hub: hub, pages: pages).register(on: routes)
    }
}
