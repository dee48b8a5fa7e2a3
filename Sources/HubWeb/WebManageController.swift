import Foundation
import Hummingbird
import HubCore
import HubHTTP
import HubServices

/// Managing in the web UI: a repository's settings (visibility, rename, delete with a typed
/// confirmation) and an organization's members. The services decide who may: the same access
/// policy as the API.
struct WebManageController {
    let hub: Hub
    let pages: WebPages


    func register(on router: some RouterMethods<HubRequestContext>) {
        for kind in RepoKind.allCases {
            let settings = SiteURL.Route.settings(kind)
            router.group()
                .add(middleware: WebRepoAccess.middleware(hub, kind, need: .read, needsSession: true))
                .get(settings.routerPath) { request, context in
                    try await settingsPage(context: context)
                }
            router.post(settings.routerPath(appending: "/visibility")) { request, context in
                try await setVisibility(request, context: context, kind: kind)
            }
            router.post(settings.routerPath(appending: "/rename")) { request, context in
                try await rename(request, context: context, kind: kind)
            }
            router.post(settings.routerPath(appending: "/delete")) { request, context in
                try await delete(request, context: context, kind: kind)
            }
        }
        router.get(SiteURL.Route.orgMembers.routerPath) { request, context in
            try await membersPage(context: context)
        }
        router.post(SiteURL.Route.orgMembers.routerPath) { request, context in
            try await setRole(request, context: context)
        }
        router.post("/organizations/:org/settings") { request, context in
            let form = try await WebForm.read(request, context: context)
            let orgName = try context.parameters.require("org")
            _ = try await hub.orgs.updateSettings(
                of: orgName, fullname: form["fullname"], privateByDefault: form["privateByDefault"] == "true",
                by: .caller(try context.sessionCaller()))
            return Response.redirect(to: SiteURL.orgMembers(orgName).path, type: .normal)
        }
        router.post(SiteURL.Route.orgMembers.routerPath(appending: "/remove")) { request, context in
            try await removeMember(request, context: context)
        }
        registerCreation(on: router)
        registerGating(on: router)
    }

    // MARK: Repository settings

    /// The settings page, for the repository its route group resolved, or for the `grant` a
    /// refused form was made with.
    func settingsPage(
        context: HubRequestContext, grant: RepoGrant? = nil, error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let grant = try grant ?? context.grantedRepo()
        let repo = grant.repo
        try grant.require(.administer)
        var view = pages.repoHeader(grant, revision: RepoService.defaultBranch, tab: "settings")
        view["visibility"] = repo.isPrivate ? "private" : "public"
        view["otherVisibility"] = repo.isPrivate ? "public" : "private"
        view["makePrivate"] = repo.isPrivate ? "false" : "true"
        view.merge(try await gatingView(grant)) { _, new in new }
        if let error { view["error"] = error }
        return pages.render("repo_settings", view, context: context, status: status)
    }

    func setVisibility(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let grant = try await WebRepoAccess.formGrant(hub, kind, context: context)
        try await hub.repos.setVisibility(grant, isPrivate: form["private"] == "true")
        return Response.redirect(to: SiteURL.settings(grant.repo.id).path, type: .normal)
    }

    func rename(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let grant = try await WebRepoAccess.formGrant(hub, kind, context: context)
        let parts = (form["to"] ?? "").split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        do {
            guard parts.count == 2 else { throw HubError.badRequest("A repository id is namespace/name") }
            let target = try RepoID(kind: kind, namespace: parts[0], name: parts[1])
            try await hub.repos.move(grant, to: target)
            return Response.redirect(to: SiteURL.repo(target).path, type: .normal)
        } catch let error as HubError where error != .repoNotFound && error != .authenticationRequired {
            return try await settingsPage(
                context: context, grant: grant, error: error.message, status: HubErrorResponse.status(of: error))
        }
    }

    func delete(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let grant = try await WebRepoAccess.formGrant(hub, kind, context: context)
        let id = grant.repo.id
        guard form["confirm"] == id.path else {
            return try await settingsPage(
                context: context, grant: grant, error: "Type \(id.path) exactly to delete it.", status: .badRequest)
        }
        try await hub.repos.delete(grant)
        return Response.redirect(to: "/\(id.namespace.value)", type: .normal)
    }

    // MARK: Organization members

    func membersPage(context: HubRequestContext, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let caller = try context.sessionCaller()
        let org = try await hub.orgs.org(named: try context.parameters.require("org"))
        guard AccessPolicy.maySeeRoles(of: org.name, caller: caller) else {
            throw HubError.forbidden("Only members of \(org.name.value) can see its members' roles")
        }
        let canManage = AccessPolicy.mayManage(org: org.name, caller: caller)
        let csrf = context.webSession?.csrfToken ?? ""
        let members = try await hub.orgs.members(of: org.name.value).map { member -> [String: Any] in
            [
                "name": member.user.name.value, "role": member.role.rawValue, "canManage": canManage, "csrf": csrf,
                "org": org.name.value,
                "roles": OrgRole.allCases.map { ["value": $0.rawValue, "selected": $0 == member.role] },
            ]
        }
        var view: [String: Any] = [
            "org": org.name.value, "members": members, "canManage": canManage, "fullname": org.fullname,
            "privateByDefault": org.privateByDefault,
        ]
        if let error { view["error"] = error }
        return pages.render("members", view, context: context, status: status)
    }

    func setRole(_ request: Request, context: HubRequestContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let orgName = try context.parameters.require("org")
        do {
            guard let role = OrgRole(rawValue: form["role"] ?? "") else { throw HubError.badRequest("Choose a role") }
            try await hub.orgs.setRole(role, of: form["user"] ?? "", in: orgName, by: .caller(try context.sessionCaller()))
        } catch let error as HubError where error != .authenticationRequired {
            return try await membersPage(context: context, error: error.message, status: HubErrorResponse.status(of: error))
        }
        return Response.redirect(to: SiteURL.orgMembers(orgName).path, type: .normal)
    }

    func removeMember(_ request: Request, context: HubRequestContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let orgName = try context.parameters.require("org")
        do {
            try await hub.orgs.remove(form["user"] ?? "", from: orgName, by: .caller(try context.sessionCaller()))
        } catch let error as HubError where error != .authenticationRequired {
            return try await membersPage(context: context, error: error.message, status: HubErrorResponse.status(of: error))
        }
        return Response.redirect(to: SiteURL.orgMembers(orgName).path, type: .normal)
    }
}
