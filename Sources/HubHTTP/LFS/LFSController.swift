import Foundation
import HTTPTypes
import Hummingbird
import HubCore
import HubServices
import NIOCore

/// The Git LFS API at `{repo}.git/info/lfs/…` (and without `.git`): batch, signed basic
/// transfers, verify, and locks. Bodies are `application/vnd.git-lfs+json`.
struct LFSController {
    let lfs: LFSService
    let repos: RepoService
    let baseURL: BaseURL

    static let maxObjectsPerBatch = 1000
    /// A multipart completion lists every part's ETag (~80 bytes each): enough for the largest
    /// object in the smallest parts the configuration allows.
    static let maxCompletionBodySize = 64 << 20

    func register(on router: some RouterMethods<HubRequestContext>) {
        for kind in RepoKind.allCases {
            let base = LFSWire.routePrefix(kind)
            // Who may not even read the repository is answered before a batch body is read: it
            // is up to a megabyte of JSON, and parsing it must not be free for strangers. An
            // upload batch needs write access too, checked once the body names its operation.
            router.group()
                .add(middleware: RepoAssignmentMiddleware(repos: repos, kind: kind, need: .read, challengesAnonymousCallers: true))
                .post(RouterPath(base + "/objects/batch")) { request, context in
                    try await batch(request, context: context)
                }
            // Transfers and verify are let in by the signed URL the batch answer gave (git-lfs
            // sends nothing else), so the service checks the grant, or else the caller.
            router.put(RouterPath(base + "/objects/:oid")) { request, context in
                try await upload(request, context: context, kind: kind)
            }
            router.put(RouterPath(base + "/objects/:oid/parts/:number")) { request, context in
                try await uploadPart(request, context: context, kind: kind)
            }
            router.post(RouterPath(base + "/objects/:oid")) { request, context in
                try await completeMultipart(request, context: context, kind: kind)
            }
            router.get(RouterPath(base + "/objects/:oid")) { request, context in
                try await download(request, context: context, kind: kind)
            }
            router.post(RouterPath(base + "/verify")) { request, context in
                try await verify(request, context: context, kind: kind)
            }
        }
    }

    // MARK: Batch

    struct BatchRequest: Decodable {
        struct Ref: Decodable {
            let name: String?
        }
        let operation: String
        let transfers: [String]?
        let ref: Ref?
        let objects: [LFSObjectRequest]
        let hash_algo: String?
    }

    struct Action: Encodable {
        let href: String
        let header: [String: String]?
        let expires_in: Int

        init(href: String, header: [String: String]? = nil, expires_in: Int) {
            self.href = href
            self.header = header
            self.expires_in = expires_in
        }
    }

    struct ObjectError: Encodable {
        let code: Int
        let message: String
    }

    struct ObjectResult: Encodable {
        let oid: String
        let size: Int64
        let authenticated: Bool?
        let actions: [String: Action]?
        let error: ObjectError?
    }

    struct BatchResponse: Encodable {
        let transfer: String
        let objects: [ObjectResult]
        let hash_algo: String
    }

    func batch(_ request: Request, context: HubRequestContext) async throws -> Response {
        let grant = try context.grantedRepo()
        let body = try await LFSWire.decode(BatchRequest.self, from: request)
        guard let operation = LFSOperation(rawValue: body.operation) else {
            throw HubError.badRequest("Unknown operation '\(HubName.printable(body.operation))': expected upload or download")
        }
        guard body.objects.count <= Self.maxObjectsPerBatch else {
            throw HubError.payloadTooLarge("At most \(Self.maxObjectsPerBatch) objects per batch request")
        }
        if let transfers = body.transfers, !transfers.isEmpty, !transfers.contains("basic"), !transfers.contains("multipart") {
            throw HubError.badRequest("Only the basic and multipart transfer adapters are served")
        }
        let multipartOffered = body.transfers?.contains("multipart") ?? false
        let results = try await lfs.batch(
            operation, objects: body.objects, hashAlgorithm: body.hash_algo, multipartOffered: multipartOffered,
            ref: body.ref?.name, on: grant)
        let lfsBase = SiteURL.gitLFS(grant.repo.id).absolute(baseURL.url(for: request))
        let expiresIn = Int(lfs.grantLifetime)
        let objects = results.map { result -> ObjectResult in
            switch result {
            case .upload(let oid, let size, let uploadGrant, let verifyGrant):
                return ObjectResult(
                    oid: oid.hex, size: size, authenticated: true,
                    actions: [
                        "upload": Action(href: "\(lfsBase)/objects/\(oid.hex)?grant=\(uploadGrant)", expires_in: expiresIn),
                        "verify": Action(href: "\(lfsBase)/verify?grant=\(verifyGrant)", expires_in: expiresIn),
                    ], error: nil)
            case .multipartUpload(let oid, let size, let chunkSize, let partCount, let uploadGrant, let verifyGrant):
                // huggingface_hub's multipart: the header holds chunk_size and one URL per part;
                // the href receives the completion.
                var header = ["chunk_size": String(chunkSize)]
                for number in 1...max(partCount, 1) {
                    header[String(number)] = "\(lfsBase)/objects/\(oid.hex)/parts/\(number)?grant=\(uploadGrant)"
                }
                return ObjectResult(
                    oid: oid.hex, size: size, authenticated: true,
                    actions: [
                        "upload": Action(
                            href: "\(lfsBase)/objects/\(oid.hex)?grant=\(uploadGrant)", header: header, expires_in: expiresIn),
                        "verify": Action(href: "\(lfsBase)/verify?grant=\(verifyGrant)", expires_in: expiresIn),
                    ], error: nil)
            case .download(let oid, let size, let grant, let directURL):
                // A presigned URL of the blob store, when there is one, is followed by git-lfs
                // without the hub in the way (the public hub hands out its CDN's URLs the same way).
                let href = directURL ?? "\(lfsBase)/objects/\(oid.hex)?grant=\(grant)"
                return ObjectResult(
                    oid: oid.hex, size: size, authenticated: true,
                    actions: ["download": Action(href: href, expires_in: expiresIn)],
                    error: nil)
            case .present(let oid, let size):
                return ObjectResult(oid: oid.hex, size: size, authenticated: nil, actions: nil, error: nil)
            case .failure(let oid, let size, let code, let message):
                return ObjectResult(
                    oid: oid, size: size, authenticated: nil, actions: nil, error: ObjectError(code: code, message: message))
            }
        }
        let usesMultipart = results.contains { if case .multipartUpload = $0 { true } else { false } }
        return LFSWire.json(BatchResponse(transfer: usesMultipart ? "multipart" : "basic", objects: objects, hash_algo: "sha256"))
    }

    // MARK: Transfers

    func upload(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        let id = try context.repoID(kind: kind)
        let oid = context.parameters.get("oid")?.percentDecoded ?? ""
        let declared = request.headers[.contentLength].flatMap { Int64($0) }
        try await lfs.upload(
            repo: id, oid: oid, grant: request.uri.queryParameters.get("grant"), declaredLength: declared, body: request.body)
        return Response(status: .ok, headers: [.contentType: LFSWire.mediaType], body: ResponseBody(byteBuffer: ByteBuffer(string: "{}")))
    }

    func download(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        let id = try context.repoID(kind: kind)
        let (oid, size, location) = try await lfs.downloadable(
            repo: id, oid: context.parameters.get("oid")?.percentDecoded ?? "",
            grant: request.uri.queryParameters.get("grant"), caller: try context.caller())
        let headers: HTTPFields = [
            .contentType: "application/octet-stream", .acceptRanges: "bytes", .eTag: "\"\(oid.hex)\"",
        ]
        let range = ByteRange(header: request.headers[.range], size: size)
        if range != .unsatisfiable, let url = lfs.directDownloadURL(of: oid, at: location, fileName: nil) {
            return BlobResponse.redirect(to: url, headers: headers)
        }
        return BlobResponse.object(
            lfs: lfs, oid: oid, size: size, range: range, headers: headers, connection: context.connection)
    }

    func uploadPart(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        let id = try context.repoID(kind: kind)
        guard let number = context.parameters.get("number").flatMap({ Int($0) }) else {
            throw HubError.badRequest("A part number is expected")
        }
        let sha = try await lfs.uploadPart(
            repo: id, oid: context.parameters.get("oid")?.percentDecoded ?? "", number: number,
            grant: request.uri.queryParameters.get("grant"), body: request.body)
        return Response(status: .ok, headers: [.eTag: "\"\(sha)\""])
    }

    struct CompletionRequest: Decodable {
        struct Part: Decodable {
            let partNumber: Int
            let etag: String
        }
        let oid: String
        let parts: [Part]
    }

    func completeMultipart(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        let id = try context.repoID(kind: kind)
        let oid = context.parameters.get("oid")?.percentDecoded ?? ""
        let body = try await LFSWire.decode(CompletionRequest.self, from: request, maxSize: Self.maxCompletionBodySize)
        guard body.oid == oid else { throw HubError.badRequest("The completion names another object") }
        try await lfs.completeMultipart(
            repo: id, oid: oid, grant: request.uri.queryParameters.get("grant"),
            parts: body.parts.map { ($0.partNumber, $0.etag) })
        return LFSWire.json(["message": "ok"])
    }

    struct VerifyRequest: Decodable {
        let oid: String
        let size: Int64
    }

    func verify(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        let id = try context.repoID(kind: kind)
        let body = try await LFSWire.decode(VerifyRequest.self, from: request)
        // Python sends the user's Bearer token; git-lfs sends nothing but the signed URL.
        let caller: Caller? = try? context.caller()
        try await lfs.verify(
            repo: id, oid: body.oid, size: body.size, grant: request.uri.queryParameters.get("grant"), caller: caller)
        return LFSWire.json(["message": "ok"])
    }
}
