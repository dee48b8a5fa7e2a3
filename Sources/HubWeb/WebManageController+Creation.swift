import Foundation
import Hummingbird
import HubCore
import HubHTTP
import HubServices

extension WebManageController {
    /// Creating repositories and organizations, and liking, from the web UI.
    func registerCreation(on router: some RouterMethods<HubRequestContext>) {
        router.get("/new") { request, context in try await newRepoPage(context: context) }
        router.post("/new") { request, context in try await createRepo(request, context: context) }
        router.get("/organizations/new") { request, context in
            _ = try context.sessionCaller()
            return pages.render("new_org", [:], context: context)
        }
        router.post("/organizations/new") { request, context in try await createOrg(request, context: context) }
        for kind in RepoKind.allCases {
            router.post(SiteURL.Route.repo(kind).routerPath(appending: "/like")) { request, context in
                let form = try await WebForm.read(request, context: context)
                let grant = try await WebRepoAccess.formGrant(hub, kind, context: context)
                if form["like"] == "false" {
                    try await hub.counters.unlike(grant)
                } else {
                    try await hub.counters.like(grant)
                }
                return Response.redirect(to: SiteURL.repo(grant.repo.id).path, type: .normal)
            }
        }
    }

    func newRepoPage(context: HubRequestContext, error: String? = nil, name: String = "", status: HTTPResponse.Status = .ok) async throws -> Response {
        let caller = try context.sessionCaller()
        // The namespaces where this user may create: their own, and orgs where they contribute.
        let owners = [caller.user.name.value]
            + caller.memberships.filter { AccessPolicy.mayCreate(in: $0.org.name, caller: caller) }.map(\.org.name.value)
        var view: [String: Any] = ["owners": owners, "name": name]
        if let error { view["error"] = error }
        return pages.render("new_repo", view, context: context, status: status)
    }

    func createRepo(_ request: Request, context: HubRequestContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let caller = try context.sessionCaller()
        do {
            guard let kind = RepoKind(rawValue: form["type"] ?? "") else { throw HubError.badRequest("Choose a type") }
            let id = try RepoID(kind: kind, namespace: form["owner"] ?? "", name: form["name"] ?? "")
            let visibility = form["visibility"]
            let isPrivate: Bool? = visibility == "private" ? true : visibility == "public" ? false : nil
            let sdk = kind == .space ? form["sdk"] : nil
            if kind == .space, !["static", "gradio", "streamlit", "docker"].contains(sdk ?? "") {
                throw HubError.badRequest("A Space needs an SDK: static, gradio, streamlit or docker")
            }
            let repo = try await hub.repos.create(id, isPrivate: isPrivate, sdk: sdk, caller: caller)
            return Response.redirect(to: SiteURL.repo(repo.id).path, type: .normal)
        } catch let error as HubError where error != .authenticationRequired {
            return try await newRepoPage(
                context: context, error: error.message, name: form["name"] ?? "", status: HubErrorResponse.status(of: error))
        }
    }

    func createOrg(_ request: Request, context: HubRequestContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let caller = try context.sessionCaller()
        do {
            let fullname = form["fullname"].flatMap { $0.isEmpty ? nil : $0 }
            let org = try await hub.orgs.create(
                name: form["name"] ?? "", fullname: fullname, privateByDefault: form["privateByDefault"] == "true",
                owner: caller.user.name.value, by: .caller(caller))
            return Response.redirect(to: "/\(org.name.value)", type: .normal)
        } catch let error as HubError where error != .authenticationRequired {
            return pages.render("new_org", ["error": error.message, "name": form["name"] ?? ""], context: context,
                              status: HubErrorResponse.status(of: error))
        }
    }
}
