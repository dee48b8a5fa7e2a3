import Foundation
import Hummingbird
import HubCore
import HubHTTP
import HubServices

/// Changing a repository's content from the web UI, through the same services as the API:
/// branches and tags, adding, editing and deleting text files (each a commit, landed by
/// compare-and-swap on the commit the form was made from).
struct WebEditController {
    let hub: Hub
    let pages: WebPages


    func register(on router: some RouterMethods<HubRequestContext>) {
        for kind in RepoKind.allCases {
            let branches = SiteURL.Route.branches(kind)
            let pages = router.group().add(middleware: WebRepoAccess.middleware(hub, kind, need: .read))
            let editors = router.group().add(middleware: WebRepoAccess.middleware(hub, kind, need: .write, needsSession: true))
            pages.get(branches.routerPath) { request, context in
                try await branchesPage(context: context)
            }
            router.post(branches.routerPath) { request, context in
                try await createBranch(request, context: context, kind: kind)
            }
            router.post(branches.routerPath(appending: "/delete")) { request, context in
                try await deleteBranch(request, context: context, kind: kind)
            }
            router.post(SiteURL.Route.repo(kind).routerPath(appending: "/tags")) { request, context in
                try await createTag(request, context: context, kind: kind)
            }
            router.post(SiteURL.Route.repo(kind).routerPath(appending: "/tags/delete")) { request, context in
                try await deleteTag(request, context: context, kind: kind)
            }
            for withPath in [false, true] {
                let newFile = SiteURL.Route.atRevision(kind, .newFile, withPath: withPath)
                editors.get(newFile.routerPath) { request, context in
                    try await newFilePage(request, context: context)
                }
                router.post(newFile.routerPath) { request, context in
                    try await saveFile(request, context: context, kind: kind, editing: false)
                }
            }
            for withPath in [false, true] {
                router.post(SiteURL.Route.atRevision(kind, .upload, withPath: withPath).routerPath) { request, context in
                    try await upload(request, context: context, kind: kind)
                }
            }
            let edit = SiteURL.Route.atRevision(kind, .edit, withPath: true)
            editors.get(edit.routerPath) { request, context in
                try await editFilePage(context: context)
            }
            router.post(edit.routerPath) { request, context in
                try await saveFile(request, context: context, kind: kind, editing: true)
            }
            router.post(SiteURL.Route.atRevision(kind, .delete, withPath: true).routerPath) { request, context in
                try await deleteFile(request, context: context, kind: kind)
            }
        }
    }

    // MARK: Branches and tags

    /// The branches page, for the repository its route group resolved, or for the `grant` a
    /// refused form was made with.
    func branchesPage(
        context: HubRequestContext, grant: RepoGrant? = nil, error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let grant = try grant ?? context.grantedRepo()
        let repo = grant.repo
        let refs = try hub.refs.refs(grant)
        let canWrite = context.webSession != nil && grant.access >= .write
        let csrf = context.webSession?.csrfToken ?? ""
        func items(_ prefix: String) -> [[String: Any]] {
            refs.filter { $0.name.hasPrefix(prefix) }.map { ref -> [String: Any] in
                let name = String(ref.name.dropFirst(prefix.count))
                return [
                    "name": name, "href": SiteURL.atRevision(repo.id, .tree, revision: name).path, "csrf": csrf,
                    "deletable": canWrite && name != RepoService.defaultBranch, "canWrite": canWrite,
                    "repoHref": SiteURL.repo(repo.id).path,
                ]
            }.sorted { ($0["name"] as? String ?? "") < ($1["name"] as? String ?? "") }
        }
        var view = pages.repoHeader(grant, revision: RepoService.defaultBranch, tab: "branches")
        view["branches"] = items("refs/heads/")
        view["tags"] = items("refs/tags/")
        view["canWrite"] = canWrite
        if let error { view["error"] = error }
        return pages.render("branches", view, context: context, status: status)
    }

    /// Runs a ref change; a refusal the user can fix is shown on the branches page.
    func changeRefs(
        _ request: Request, context: HubRequestContext, kind: RepoKind,
        _ change: (WebForm, RepoGrant) async throws -> Void
    ) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let grant = try await WebRepoAccess.formGrant(hub, kind, context: context)
        do {
            try await change(form, grant)
        } catch let error as HubError where ![.repoNotFound, .authenticationRequired].contains(error) {
            return try await branchesPage(
                context: context, grant: grant, error: error.message, status: HubErrorResponse.status(of: error))
        }
        return Response.redirect(to: SiteURL.branches(grant.repo.id).path, type: .normal)
    }

    func createBranch(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        try await changeRefs(request, context: context, kind: kind) { form, grant in
            try await hub.refs.createBranch(grant, name: form["name"] ?? "", startingPoint: form["from"])
        }
    }

    func deleteBranch(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        try await changeRefs(request, context: context, kind: kind) { form, grant in
            try await hub.refs.deleteBranch(grant, name: form["name"] ?? "")
        }
    }

    func createTag(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        try await changeRefs(request, context: context, kind: kind) { form, grant in
            let message = form["message"].flatMap { $0.isEmpty ? nil : $0 }
            try await hub.refs.createTag(
                grant, revision: form["revision"] ?? RepoService.defaultBranch, tag: form["name"] ?? "", message: message)
        }
    }

    func deleteTag(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        try await changeRefs(request, context: context, kind: kind) { form, grant in
            try await hub.refs.deleteTag(grant, tag: form["name"] ?? "")
        }
    }

    // MARK: Files

    func editorView(
        _ grant: RepoGrant, revision: String, heading: String, action: String, path: String, content: String,
        parent: String, editing: Bool, summary: String, error: String? = nil
    ) -> [String: Any] {
        var view = pages.repoHeader(grant, revision: revision, tab: "files")
        view.merge([
            "heading": heading, "action": action, "path": path, "content": content, "parent": parent, "editing": editing,
            "summary": summary, "revision": revision,
        ]) { _, new in new }
        if let error { view["error"] = error }
        return view
    }

    func newFilePage(_ request: Request, context: HubRequestContext) async throws -> Response {
        let grant = try context.grantedRepo()
        let (revision, _) = try context.revisionAndPath()
        let resolved = try hub.files.revision(of: grant.repo, revision: revision)
        let folder = request.uri.queryParameters.get("folder").map { $0.isEmpty ? "" : $0 + "/" } ?? ""
        let view = editorView(
            grant, revision: revision, heading: "Add a file",
            action: SiteURL.atRevision(grant.repo.id, .newFile, revision: revision).path, path: folder, content: "",
            parent: resolved.commit, editing: false, summary: "")
        return pages.render("edit", view, context: context)
    }

    func editFilePage(context: HubRequestContext) async throws -> Response {
        let grant = try context.grantedRepo()
        let (revision, path) = try context.revisionAndPath()
        let file = try await hub.files.resolve(grant, revision: revision, path: path, followLFS: false)
        guard case .inline(let bytes) = file.content, bytes.count <= WebFormat.textLimit, !bytes.contains(0),
            let text = String(validating: bytes, as: UTF8.self)
        else {
            throw HubError.badRequest("Only text files up to 256 KiB can be edited here: use git or huggingface_hub")
        }
        let view = editorView(
            grant, revision: revision, heading: "Edit \(path)",
            action: SiteURL.atRevision(grant.repo.id, .edit, revision: revision, path: path).path, path: path,
            content: text, parent: file.commit, editing: true, summary: "Update \(path)")
        return pages.render("edit", view, context: context)
    }

    func saveFile(_ request: Request, context: HubRequestContext, kind: RepoKind, editing: Bool) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let grant = try await WebRepoAccess.formGrant(hub, kind, context: context)
        let (revision, _) = try context.revisionAndPath()
        let path = (form["path"] ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "/ "))
        // Browsers send textarea line breaks as CRLF.
        let content = (form["content"] ?? "").replacingOccurrences(of: "\r\n", with: "\n")
        let summary = form["summary"].flatMap { $0.isEmpty ? nil : $0 } ?? (editing ? "Update \(path)" : "Add \(path)")
        do {
            guard !path.isEmpty else { throw HubError.badRequest("A file needs a path") }
            let session = try await hub.commits.begin(grant, revision: revision)
            try session.addFile(path: path, contents: Array(content.utf8))
            _ = try await session.finish(summary: summary, description: "", parentCommit: form["parent"])
        } catch let error as HubError where ![.repoNotFound, .authenticationRequired].contains(error) {
            var message = error.message
            if case .preconditionFailed = error {
                message = "The branch changed since this page was loaded: your text is below; reload the file and apply it again."
            }
            let view = editorView(
                grant, revision: revision, heading: editing ? "Edit \(path)" : "Add a file",
                action: request.uri.path, path: path, content: content, parent: form["parent"] ?? "", editing: editing,
                summary: summary, error: message)
            return pages.render("edit", view, context: context, status: HubErrorResponse.status(of: error))
        }
        return Response.redirect(
            to: SiteURL.atRevision(grant.repo.id, .blob, revision: revision, path: path).path, type: .normal)
    }

    /// Files from the upload form, into the folder the form was on, as one commit.
    func upload(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        try WebForm.checkOrigin(request)
        _ = try context.sessionCaller()
        let (revision, folder) = try context.revisionAndPath()
        let upload = try await WebUpload.read(request)
        try WebForm.checkCSRF(upload.fields["csrf"], context: context)
        let grant = try await WebRepoAccess.formGrant(hub, kind, context: context)
        guard !upload.files.isEmpty else { throw HubError.badRequest("Choose at least one file") }
        let session = try await hub.commits.begin(grant, revision: revision)
        try await session.addUploadedFiles(upload.files.map { file in
            let name = file.name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? file.name
            return (folder.isEmpty ? name : "\(folder)/\(name)", file.bytes)
        })
        let summary = upload.fields["summary"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "Upload \(upload.files.map(\.name).joined(separator: ", "))"
        _ = try await session.finish(summary: summary, description: "", parentCommit: upload.fields["parent"])
        return Response.redirect(to: SiteURL.atRevision(grant.repo.id, .tree, revision: revision, path: folder).path, type: .normal)
    }

    func deleteFile(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let grant = try await WebRepoAccess.formGrant(hub, kind, context: context)
        let (revision, path) = try context.revisionAndPath()
        let session = try await hub.commits.begin(grant, revision: revision)
        try session.deleteFile(path: path)
        _ = try await session.finish(summary: "Delete \(path)", description: "", parentCommit: form["parent"])
        return Response.redirect(to: SiteURL.atRevision(grant.repo.id, .tree, revision: revision).path, type: .normal)
    }
}
