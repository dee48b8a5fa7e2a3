import Foundation
import Hummingbird
import HubCore
import HubHTTP
import HubServices

/// Gated repositories in the web UI: the form a visitor asks for access with (on the
/// repository's page), and, on its settings page, the gate and the requests for its admins.
extension WebManageController {
    func registerGating(on router: some RouterMethods<HubRequestContext>) {
        for kind in RepoKind.allCases {
            router.post(SiteURL.Route.repo(kind).routerPath(appending: "/ask-access")) { request, context in
                let form = try await WebForm.read(request, context: context)
                let grant = try await WebRepoAccess.formGrant(hub, kind, context: context)
                var fields: [String: String] = [:]
                for key in ["affiliation", "purpose"] {
                    if let value = form[key]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty {
                        fields[key] = String(value.prefix(2000))
                    }
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                let json = fields.isEmpty ? nil : String(decoding: try encoder.encode(fields), as: UTF8.self)
                _ = try await hub.repos.requestAccess(grant, fieldsJSON: json)
                return Response.redirect(to: SiteURL.repo(grant.repo.id).path, type: .normal)
            }
            let settings = SiteURL.Route.settings(kind)
            router.post(settings.routerPath(appending: "/gated")) { request, context in
                let form = try await WebForm.read(request, context: context)
                let grant = try await WebRepoAccess.formGrant(hub, kind, context: context)
                let mode: GatedMode?
                switch form["gated"] ?? "" {
                case "off": mode = nil
                case let text:
                    guard let chosen = GatedMode(rawValue: text) else {
                        return try await settingsPage(context: context, grant: grant, error: "Choose off, auto or manual", status: .badRequest)
                    }
                    mode = chosen
                }
                try await hub.repos.setGated(grant, mode: mode)
                return Response.redirect(to: SiteURL.settings(grant.repo.id).path, type: .normal)
            }
            router.post(settings.routerPath(appending: "/access-requests")) { request, context in
                let form = try await WebForm.read(request, context: context)
                let grant = try await WebRepoAccess.formGrant(hub, kind, context: context)
                guard let status = form["status"].flatMap(AccessRequestStatus.init(rawValue:)), let user = form["user"] else {
                    return try await settingsPage(context: context, grant: grant, error: "Choose a request and a decision", status: .badRequest)
                }
                try await hub.repos.decideAccess(grant, userName: user, requestID: nil, status: status, rejectionReason: nil)
                return Response.redirect(to: SiteURL.settings(grant.repo.id).path, type: .normal)
            }
        }
    }

    /// The settings page's part about the gate: its mode, and each list of requests.
    func gatingView(_ grant: RepoGrant) async throws -> [String: Any] {
        var view: [String: Any] = [
            "gatedOff": grant.repo.gated == nil, "gatedAuto": grant.repo.gated == .auto,
            "gatedManual": grant.repo.gated == .manual,
        ]
        guard grant.repo.gated != nil else { return view }
        view["gated"] = grant.repo.gated?.rawValue
        for status in AccessRequestStatus.allCases {
            view[status.rawValue + "Requests"] = try await hub.repos.accessRequests(grant, status: status).map { request in
                [
                    "user": request.user.name.value, "fullname": request.user.fullname,
                    "fields": request.fieldsJSON ?? "", "when": WebFormat.day(request.updatedAt),
                ] as [String: Any]
            }
        }
        return view
    }

    /// The repository page's part about the gate, for a visitor who may not read its files.
    static func gateNotice(_ grant: RepoGrant, hub: Hub) async throws -> [String: Any]? {
        guard grant.repo.gated != nil, try await !hub.repos.mayReadFiles(grant) else { return nil }
        guard let caller = grant.caller else { return ["signIn": true] }
        let status = try await hub.repos.requestStatus(grant, userID: caller.user.id)
        return ["ask": status == nil, "pending": status == .pending, "rejected": status == .rejected]
    }
}
