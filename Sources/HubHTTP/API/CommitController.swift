import Foundation
import HTTPTypes
import Hummingbird
import HubCore
import HubServices

/// The write path of huggingface_hub (`create_commit` in huggingface_hub's `hf_api.py`): `validate-yaml`, `preupload`
/// and the NDJSON `commit`.
struct CommitController {
    let commits: CommitService
    let repos: RepoService
    let baseURL: BaseURL

    /// A `file` line carries up to the git file size limit, base64-encoded.
    static let maxLineLength = 32 << 20

    func register(on router: Router<HubRequestContext>) {
        router.post("/api/validate-yaml") { request, context in try await validateYAML(request, context: context) }
        for kind in RepoKind.allCases {
            let base = "/api/\(kind.plural)/:namespace/:name"
            let writes = router.group().add(middleware: RepoAssignmentMiddleware(repos: repos, kind: kind, need: .write))
            // A commit to a pull request, or one that opens a pull request, is for anyone who may
            // take part in the repository (the service decides, `DiscussionService.requireWrite`).
            let contributions = router.group().add(middleware: RepoAssignmentMiddleware(repos: repos, kind: kind, need: .read))
            for suffix in ["/:revision", "/:revision/**"] {
                contributions.post(RouterPath(base + "/preupload" + suffix)) { request, context in
                    try await preupload(request, context: context)
                }
                contributions.post(RouterPath(base + "/commit" + suffix)) { request, context in
                    try await commit(request, context: context)
                }
                writes.post(RouterPath(base + "/super-squash" + suffix)) { request, context in
                    try await superSquash(request, context: context)
                }
            }
        }
    }

    // MARK: validate-yaml

    struct ValidateRequest: Decodable {
        let content: String
        let repoType: String?
    }

    struct Problem: Encodable {
        let message: String
    }

    struct ValidateResponse: Encodable {
        let errors: [Problem]
        let warnings: [Problem]
    }

    func validateYAML(_ request: Request, context: HubRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(ValidateRequest.self, context: context)
        let validation = CardValidation(card: body.content, kind: try RepoKind(apiType: body.repoType))
        return JSONBody.response(
            status: validation.pastLimits ? .unprocessableContent : validation.errors.isEmpty ? .ok : .badRequest,
            object: ValidateResponse(
                errors: validation.errors.map(Problem.init), warnings: validation.warnings.map(Problem.init)))
    }

    // MARK: super-squash

    struct SquashRequest: Decodable {
        let message: String?
    }

    /// `super_squash_history` (huggingface_hub `hf_api.py`): `{"message": …}`, the branch
    /// %2F-encoded in the path.
    func superSquash(_ request: Request, context: HubRequestContext) async throws -> Response {
        let branch = try context.refName()
        let body = try await request.decodeJSON(SquashRequest.self, context: context)
        let commit = try await commits.superSquash(try context.grantedRepo(), branch: branch, message: body.message)
        return JSONBody.response(object: ["commitOid": commit])
    }

    // MARK: preupload

    struct PreuploadRequest: Decodable {
        struct File: Decodable {
            let path: String
            let sample: String?
            let size: Int64
        }
        let files: [File]
        let gitIgnore: String?
    }

    struct PreuploadResponse: Encodable {
        struct File: Encodable {
            let path: String
            let uploadMode: String
            let shouldIgnore: Bool
            let oid: String?
        }
        let files: [File]
    }

    func preupload(_ request: Request, context: HubRequestContext) async throws -> Response {
        let (revision, _) = try context.revisionAndPath()
        let body = try await request.decodeJSON(PreuploadRequest.self, context: context)
        let candidates = body.files.map { file in
            UploadCandidate(
                path: file.path, size: file.size,
                sample: file.sample.flatMap { Data(base64Encoded: $0) }.map(Array.init) ?? [])
        }
        let decisions = try await commits.preupload(
            try context.grantedRepo(), revision: revision, creatingPullRequest: Self.createsPullRequest(request),
            files: candidates, gitIgnore: body.gitIgnore)
        return JSONBody.response(
            object: PreuploadResponse(
                files: decisions.map {
                    .init(path: $0.path, uploadMode: $0.usesLFS ? "lfs" : "regular", shouldIgnore: $0.shouldIgnore, oid: $0.currentOID)
                }))
    }

    // MARK: commit

    struct CommitResponse: Encodable {
        let success: Bool
        let commitOid: String
        let commitUrl: String
        let hookOutput: String
    }

    func commit(_ request: Request, context: HubRequestContext) async throws -> Response {
        let grant = try context.grantedRepo()
        let id = grant.repo.id
        let (revision, _) = try context.revisionAndPath()
        let createPR = Self.createsPullRequest(request)
        let session = try await commits.begin(grant, revision: revision, creatingPullRequest: createPR)
        var header: (summary: String, description: String, parentCommit: String?)?
        for try await bytes in NDJSONLines(body: request.body, maxLineLength: Self.maxLineLength) {
            let line = try CommitLine(parsing: bytes)
            switch (line, header) {
            case (.header(let summary, let description, let parentCommit), nil):
                header = (summary, description, parentCommit)
            case (_, nil):
                throw HubError.badRequest("The first line of the commit must be its header")
            case (.header, _):
                throw HubError.badRequest("The commit has a second header line")
            default:
                try await apply(line, to: session)
            }
        }
        guard let header else { throw HubError.badRequest("The commit is empty: a header line is expected") }
        let (summary, description, parent) = header
        let base = baseURL.url(for: request)
        if createPR {
            let (commit, discussion) = try await session.finishAsPullRequest(
                summary: summary, description: description, parentCommit: parent)
            return JSONBody.response(
                object: PullRequestCommitResponse(
                    success: true, commitOid: commit, commitUrl: SiteURL.commit(id, commit).absolute(base), hookOutput: "",
                    pullRequestUrl: SiteURL.discussion(id, discussion.num).absolute(base)))
        }
        let commit = try await session.finish(summary: summary, description: description, parentCommit: parent)
        return JSONBody.response(
            object: CommitResponse(success: true, commitOid: commit, commitUrl: SiteURL.commit(id, commit).absolute(base), hookOutput: ""))
    }

    /// `?create_pr=1` (huggingface_hub's `create_commit(create_pr=True)`).
    static func createsPullRequest(_ request: Request) -> Bool {
        ["1", "true"].contains(request.uri.queryParameters.get("create_pr") ?? "")
    }

    struct PullRequestCommitResponse: Encodable {
        let success: Bool
        let commitOid: String
        let commitUrl: String
        let hookOutput: String
        let pullRequestUrl: String
    }

    func apply(_ line: CommitLine, to session: CommitSession) async throws {
        switch line {
        case .header:
            break
        case .file(let path, let contents):
            try session.addFile(path: path, contents: contents)
        case .lfsFile(let path, let oid, let size):
            try await session.addLFSFile(path: path, oid: oid, size: size)
        case .deletedFile(let path):
            try session.deleteFile(path: path)
        case .deletedFolder(let path):
            try session.deleteFolder(path: path)
        }
    }
}

/// The lines of a streamed body, without their line breaks, each at most `maxLineLength` bytes.
struct NDJSONLines: AsyncSequence {
    typealias Element = [UInt8]
    let body: RequestBody
    let maxLineLength: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        var source: RequestBody.AsyncIterator
        let maxLineLength: Int
        var pending: [UInt8] = []
        /// Where the search for the next line break resumes (bytes before it have none).
        var scanned = 0
        var finished = false

        mutating func next() async throws -> [UInt8]? {
            while true {
                if let newline = pending[scanned...].firstIndex(of: 0x0A) {
                    let line = Array(pending[..<newline])
                    pending.removeSubrange(...newline)
                    scanned = 0
                    if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
                    return line
                }
                scanned = pending.count
                guard pending.count <= maxLineLength else {
                    throw HubError.payloadTooLarge("A line of the commit is longer than \(maxLineLength) bytes")
                }
                if finished {
                    guard !pending.isEmpty else { return nil }
                    defer {
                        pending = []
                        scanned = 0
                    }
                    return pending.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) ? nil : pending
                }
                if let buffer = try await source.next() {
                    pending += buffer.readableBytesView
                } else {
                    finished = true
                }
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(source: body.makeAsyncIterator(), maxLineLength: maxLineLength)
    }
}
