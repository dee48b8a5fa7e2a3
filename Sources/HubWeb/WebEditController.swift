import Foundation
import Hummingbird
import HubCore
import HubHTTP
import HubServices

/// Changing a repository's content from the web UI, through the same services as the API:
/// branches and tags, adding, editing and deleting text files (each a commit, landed by
/// compare-and-swap on the commit the form was made from), and the list of pull requests.
struct WebEditController {
    let hub: Hub
    let pages: WebPages


    func register(on router: some RouterMethods<HubRequestContext>) {
        for kind in RepoKind.allCases {
            let base = "/" + kind.urlPrefix + ":namespace/:name"
            router.get(RouterPath(base + "/branches")) { request, context in
                try await branchesPage(context: context, kind: kind)
            }
            router.get(RouterPath(base + "/discussions")) { request, context in
                try await discussionsPage(context: context, kind: kind)
            }
            router.post(RouterPath(base + "/branches")) { request, context in
                try await createBranch(request, context: context, kind: kind)
            }
            router.post(RouterPath(base + "/branches/delete")) { request, context in
                try await deleteBranch(request, context: context, kind: kind)
            }
            router.post(RouterPath(base + "/tags")) { request, context in
                try await createTag(request, context: context, kind: kind)
            }
            router.post(RouterPath(base + "/tags/delete")) { request, context in
                try await deleteTag(request, context: context, kind: kind)
            }
            for pattern in ["/new/:revision", "/new/:revision/**"] {
                router.get(RouterPath(base + pattern)) { request, context in
                    try await newFilePage(request, context: context, kind: kind)
                }
                router.post(RouterPath(base + pattern)) { request, context in
                    try await saveFile(request, context: context, kind: kind, editing: false)
                }
            }
            for pattern in ["/upload/:revision", "/upload/:revision/**"] {
                router.post(RouterPath(base + pattern)) { request, context in
                    try await upload(request, context: context, kind: kind)
                }
            }
            router.get(RouterPath(base + "/edit/:revision/**")) { request, context in
                try await editFilePage(context: context, kind: kind)
            }
            router.post(RouterPath(base + "/edit/:revision/**")) { request, context in
                try await saveFile(request, context: context, kind: kind, editing: true)
            }
            router.post(RouterPath(base + "/delete/:revision/**")) { request, context in
                try await deleteFile(request, context: context, kind: kind)
            }
        }
    }

    // MARK: Branches and tags

    func branchesPage(
        context: HubRequestContext, kind: RepoKind, error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let id = try context.repoID(kind: kind)
        let caller = try context.webCaller()
        let repo = try await hub.repos.readable(id, caller: caller)
        let refs = try await hub.refs.refs(id, caller: caller)
        let canWrite = context.webSession != nil && AccessPolicy.access(to: repo, caller: caller) >= .write
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
        var view = pages.repoHeader(repo, revision: RepoService.defaultBranch, tab: "branches", caller: caller)
        view["branches"] = items("refs/heads/")
        view["tags"] = items("refs/tags/")
        view["canWrite"] = canWrite
        if let error { view["error"] = error }
        return pages.render("branches", view, context: context, status: status)
    }

    /// Runs a ref change; a refusal the user can fix is shown on the branches page.
    func changeRefs(
        _ request: Request, context: HubRequestContext, kind: RepoKind,
        _ change: (WebForm, RepoID, Caller) async throws -> Void
    ) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let id = try context.repoID(kind: kind)
        do {
            try await change(form, id, try context.sessionCaller())
        } catch let error as HubError where ![.repoNotFound, .authenticationRequired].contains(error) {
            return try await branchesPage(context: context, kind: kind, error: error.message, status: HubErrorResponse.status(of: error))
        }
        return Response.redirect(to: SiteURL.branches(id).path, type: .normal)
    }

    func createBranch(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        try await changeRefs(request, context: context, kind: kind) { form, id, caller in
            try await hub.refs.createBranch(id, name: form["name"] ?? "", startingPoint: form["from"], caller: caller)
        }
    }

    func deleteBranch(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        try await changeRefs(request, context: context, kind: kind) { form, id, caller in
            try await hub.refs.deleteBranch(id, name: form["name"] ?? "", caller: caller)
        }
    }

    func createTag(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        try await changeRefs(request, context: context, kind: kind) { form, id, caller in
            let message = form["message"].flatMap { $0.isEmpty ? nil : $0 }
            try await hub.refs.createTag(
                id, revision: form["revision"] ?? RepoService.defaultBranch, tag: form["name"] ?? "", message: message,
                caller: caller)
        }
    }

    func deleteTag(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        try await changeRefs(request, context: context, kind: kind) { form, id, caller in
            try await hub.refs.deleteTag(id, tag: form["name"] ?? "", caller: caller)
        }
    }

    // MARK: Files

    func editorView(
        _ repo: RepoInfo, revision: String, caller: Caller, heading: String, action: String, path: String, content: String,
        parent: String, editing: Bool, summary: String, error: String? = nil
    ) -> [String: Any] {
        var view = pages.repoHeader(repo, revision: revision, tab: "files", caller: caller)
        view.merge([
            "heading": heading, "action": action, "path": path, "content": content, "parent": parent, "editing": editing,
            "summary": summary, "revision": revision,
        ]) { _, new in new }
        if let error { view["error"] = error }
        return view
    }

    func newFilePage(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        let caller = try context.sessionCaller()
        let id = try context.repoID(kind: kind)
        let (revision, _) = try context.revisionAndPath()
        let resolved = try await hub.files.revision(id, revision: revision, caller: caller)
        guard AccessPolicy.access(to: resolved.repo, caller: caller) >= .write else {
            throw HubError.forbidden("You don't have write access to \(resolved.repo.id.path)")
        }
        let folder = request.uri.queryParameters.get("folder").map { $0.isEmpty ? "" : $0 + "/" } ?? ""
        let view = editorView(
            resolved.repo, revision: revision, caller: caller, heading: "Add a file",
            action: SiteURL.atRevision(id, .newFile, revision: revision).path, path: folder, content: "",
            parent: resolved.commit, editing: false, summary: "")
        return pages.render("edit", view, context: context)
    }

    func editFilePage(context: HubRequestContext, kind: RepoKind) async throws -> Response {
        let caller = try context.sessionCaller()
        let id = try context.repoID(kind: kind)
        let (revision, path) = try context.revisionAndPath()
        let file = try await hub.files.resolve(id, revision: revision, path: path, caller: caller, followLFS: false)
        guard AccessPolicy.access(to: file.repo, caller: caller) >= .write else {
            throw HubError.forbidden("You don't have write access to \(file.repo.id.path)")
        }
        guard case .inline(let bytes) = file.content, bytes.count <= WebFormat.textLimit, !bytes.contains(0),
            let text = String(validating: bytes, as: UTF8.self)
        else {
            throw HubError.badRequest("Only text files up to 256 KiB can be edited here: use git or huggingface_hub")
        }
        let view = editorView(
            file.repo, revision: revision, caller: caller, heading: "Edit \(path)",
            action: SiteURL.atRevision(id, .edit, revision: revision, path: path).path, path: path,
            content: text, parent: file.commit, editing: true, summary: "Update \(path)")
        return pages.render("edit", view, context: context)
    }

    func saveFile(_ request: Request, context: HubRequestContext, kind: RepoKind, editing: Bool) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let caller = try context.sessionCaller()
        let id = try context.repoID(kind: kind)
        let (revision, _) = try context.revisionAndPath()
        let path = (form["path"] ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "/ "))
        // Browsers send textarea line breaks as CRLF.
        let content = (form["content"] ?? "").replacingOccurrences(of: "\r\n", with: "\n")
        let summary = form["summary"].flatMap { $0.isEmpty ? nil : $0 } ?? (editing ? "Update \(path)" : "Add \(path)")
        do {
            guard !path.isEmpty else { throw HubError.badRequest("A file needs a path") }
            let session = try await hub.commits.begin(id, revision: revision, caller: caller)
            try session.addFile(path: path, contents: Array(content.utf8))
            _ = try await session.finish(summary: summary, description: "", parentCommit: form["parent"])
        } catch let error as HubError where ![.repoNotFound, .authenticationRequired].contains(error) {
            let repo = try await hub.repos.readable(id, caller: caller)
            var message = error.message
            if case .preconditionFailed = error {
                message = "The branch changed since this page was loaded: your text is below; reload the file and apply it again."
            }
            let view = editorView(
                repo, revision: revision, caller: caller, heading: editing ? "Edit \(path)" : "Add a file",
                action: request.uri.path, path: path, content: content, parent: form["parent"] ?? "", editing: editing,
                summary: summary, error: message)
            return pages.render("edit", view, context: context, status: HubErrorResponse.status(of: error))
        }
        return Response.redirect(
            to: SiteURL.atRevision(id, .blob, revision: revision, path: path).path, type: .normal)
    }

    /// Files from the upload form, into the folder the form was on, as one commit.
    func upload(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        try WebForm.checkOrigin(request)
        let caller = try context.sessionCaller()
        let id = try context.repoID(kind: kind)
        let (revision, folder) = try context.revisionAndPath()
        let upload = try await WebUpload.read(request)
        try WebForm.checkCSRF(upload.fields["csrf"], context: context)
        guard !upload.files.isEmpty else { throw HubError.badRequest("Choose at least one file") }
        let session = try await hub.commits.begin(id, revision: revision, caller: caller)
        try await session.addUploadedFiles(upload.files.map { file in
            let name = file.name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? file.name
            return (folder.isEmpty ? name : "\(folder)/\(name)", file.bytes)
        })
        let summary = upload.fields["summary"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "Upload \(upload.files.map(\.name).joined(separator: ", "))"
        _ = try await session.finish(summary: summary, description: "", parentCommit: upload.fields["parent"])
        return Response.redirect(to: SiteURL.atRevision(id, .tree, revision: revision, path: folder).path, type: .normal)
    }

    func deleteFile(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let caller = try context.sessionCaller()
        let id = try context.repoID(kind: kind)
        let (revision, path) = try context.revisionAndPath()
        let session = try await hub.commits.begin(id, revision: revision, caller: caller)
        try session.deleteFile(path: path)
        _ = try await session.finish(summary: "Delete \(path)", description: "", parentCommit: form["parent"])
        return Response.redirect(to: SiteURL.atRevision(id, .tree, revision: revision).path, type: .normal)
    }

    // MARK: Pull requests

    func discussionsPage(context: HubRequestContext, kind: RepoKind) async throws -> Response {
        let id = try context.repoID(kind: kind)
        let caller = try context.webCaller()
        let (repo, discussions) = try await hub.commits.discussions(id, caller: caller)
        var view = pages.repoHeader(repo, revision: RepoService.defaultBranch, tab: "discussions", caller: caller)
        view["discussions"] = discussions.map { discussion -> [String: Any] in
            [
                "num": discussion.num, "title": discussion.title, "status": discussion.status,
                "kind": discussion.isPullRequest ? "Pull request" : "Discussion", "author": discussion.authorName ?? "someone",
                "date": WebFormat.day(discussion.createdAt), "target": discussion.targetBranch as Any,
                "href": SiteURL.atRevision(repo.id, .tree, revision: discussion.ref).path,
            ]
        }
        return pages.render("discussions", view, context: context)
    }
}
