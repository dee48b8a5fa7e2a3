import Hummingbird
import HubCore
import HubServices
import NIOCore
import XetCore

/// The Xet CAS, in the same process and on the same port, under `/xet` (the `casUrl` the token
/// routes hand out): what hf_xet 1.8.0 calls to upload (hub-docs `docs/xet/api.md`). Requests
/// carry the Xet token, not a hub token.
///
/// - `POST /v1/xorb-grants/{prefix}/{hash}` answers 404: no presigned uploads here, so hf_xet
///   sends the xorb itself;
/// - `POST /v1/xorbs/{prefix}/{hash}`: the xorb, verified chunk by chunk as it streams in;
/// - `POST /v2/shards` answers 404, so hf_xet sends `POST /v1/shards`: files verified against the
///   stored xorbs and registered;
/// - `GET /v1/chunks/{prefix}/{hash}` (global dedup): a shard naming the xorb that holds the
///   chunk, its chunk hashes keyed per answer, or 404;
/// - `GET /v1/reconstructions/{file}` (with `Range`): the file's terms and signed URLs to the
///   xorb bytes, for a token of a repository the file is bound to; `/v2/reconstructions` answers
///   404, so hf_xet uses v1; `GET /v1/xorb-data/{xorb}` serves those URLs;
/// - `POST /v1/telemetry`, at the root of the CAS's origin, is accepted and dropped.
struct CASController {
    static let prefix = "/xet"
    let xet: XetService
    let baseURL: BaseURL

    struct XorbAnswer: Encodable {
        let was_inserted: Bool
    }

    struct ShardAnswer: Encodable {
        let result: Int
    }

    struct ChunkRange: Encodable {
        let start: Int
        let end: Int
    }

    struct ByteWindow: Encodable {
        let start: Int64
        let end: Int64
    }

    struct Term: Encodable {
        let hash: String
        let unpacked_length: Int64
        let range: ChunkRange
    }

    struct Fetch: Encodable {
        let range: ChunkRange
        let url: String
        let url_range: ByteWindow
    }

    struct ReconstructionAnswer: Encodable {
        let offset_into_first_range: Int64
        let terms: [Term]
        let fetch_info: [String: [Fetch]]
    }

    func register(on router: Router<HubRequestContext>) {
        let cas = router.group(RouterPath(Self.prefix))
        cas.post("/v1/xorb-grants/:prefix/:hash") { request, _ -> Response in
            _ = try xet.access(request.headers[.authorization], needs: .write)
            throw HTTPError(.notFound, message: "Upload grants are not offered: send the xorb to /v1/xorbs")
        }
        cas.post("/v1/xorbs/:prefix/:hash") { request, context in
            let token = try xet.access(request.headers[.authorization], needs: .write)
            let hash = try Self.hash(context)
            let inserted = try await xet.storeXorb(request.body, as: hash, token: token)
            return JSONBody.response(object: XorbAnswer(was_inserted: inserted))
        }
        cas.post("/v2/shards") { request, _ -> Response in
            _ = try xet.access(request.headers[.authorization], needs: .write)
            throw HTTPError(.notFound, message: "Shard upload v2 is not offered: send it to /v1/shards")
        }
        cas.post("/v1/shards") { request, context in
            let token = try xet.access(request.headers[.authorization], needs: .write)
            let body = try await request.body.collect(upTo: Shard.maxSize)
            let registered = try await xet.registerShard(Array(buffer: body), token: token)
            return JSONBody.response(object: ShardAnswer(result: registered > 0 ? 1 : 0))
        }
        cas.get("/v1/chunks/:prefix/:hash") { request, context -> Response in
            _ = try xet.access(request.headers[.authorization], needs: .read)
            let chunk = try Self.hash(context)
            guard let shard = try await xet.dedupShard(for: chunk) else { throw HubError.entryNotFound(chunk.xetString) }
            return Response(
                status: .ok, headers: [.contentType: "application/octet-stream"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: shard)))
        }
        cas.get("/v1/reconstructions/:hash") { request, context in
            try await reconstruction(request, context: context)
        }
        cas.get("/v2/reconstructions/:hash") { request, _ -> Response in
            _ = try xet.access(request.headers[.authorization], needs: .read)
            throw HTTPError(.notFound, message: "Reconstruction v2 is not offered: ask /v1/reconstructions")
        }
        cas.get("/v1/xorb-data/:hash") { request, context in
            try await xorbData(request, context: context)
        }
        router.post("/v1/telemetry") { _, _ in
            Response(status: .ok)
        }
    }

    /// `GET /v1/reconstructions/{file}`: the terms of the file (of the `Range` asked for) and
    /// signed URLs for the xorb bytes they need.
    func reconstruction(_ request: Request, context: HubRequestContext) async throws -> Response {
        let token = try xet.access(request.headers[.authorization], needs: .read)
        let file = try await xet.file(try Self.hash(context), token: token)
        let first: Int64
        let last: Int64
        switch ByteRange(header: request.headers[.range], size: file.size) {
        case .whole:
            (first, last) = (0, file.size - 1)
        case .partial(let range):
            (first, last) = (range.lowerBound, range.upperBound)
        case .unsatisfiable:
            return Response(status: .rangeNotSatisfiable, headers: [.contentRange: "bytes */\(file.size)"])
        }
        guard file.size > 0 else {
            return JSONBody.response(object: ReconstructionAnswer(offset_into_first_range: 0, terms: [], fetch_info: [:]))
        }
        let plan = try await xet.reconstruction(of: file, first: first, last: last)
        let root = baseURL.url(for: request) + Self.prefix
        var fetchInfo: [String: [Fetch]] = [:]
        for (xorb, windows) in plan.fetches {
            fetchInfo[xorb.xetString] = windows.map { window in
                let query = "window=\(window.bytes.lowerBound)-\(window.bytes.upperBound)&expires=\(window.expires)&signature=\(window.signature)"
                return Fetch(
                    range: ChunkRange(start: window.chunks.lowerBound, end: window.chunks.upperBound),
                    url: "\(root)/v1/xorb-data/\(xorb.xetString)?\(query)",
                    url_range: ByteWindow(start: window.bytes.lowerBound, end: window.bytes.upperBound))
            }
        }
        return JSONBody.response(object: ReconstructionAnswer(
            offset_into_first_range: plan.offsetIntoFirstRange,
            terms: plan.terms.map {
                Term(hash: $0.xorb.xetString, unpacked_length: $0.unpackedLength,
                     range: ChunkRange(start: $0.chunks.lowerBound, end: $0.chunks.upperBound))
            },
            fetch_info: fetchInfo))
    }

    /// `GET /v1/xorb-data/{xorb}?window=…&expires=…&signature=…`: bytes of a stored xorb inside
    /// the signed window, for whoever holds the URL (hf_xet sends no credentials with it).
    func xorbData(_ request: Request, context: HubRequestContext) async throws -> Response {
        let hash = try Self.hash(context)
        let query = request.uri.queryParameters
        let bounds = (query.get("window") ?? "").split(separator: "-").compactMap { Int64($0) }
        guard bounds.count == 2, bounds[0] >= 0, bounds[0] <= bounds[1], let expires = query.get("expires").flatMap({ Int64($0) }),
            let signature = query.get("signature")
        else { throw HubError.forbidden("This xorb URL is not valid: ask for the reconstruction again") }
        let window = bounds[0]...bounds[1]
        var range: ClosedRange<Int64>?
        if let header = request.headers[.range] {
            guard case .partial(let asked) = ByteRange(header: header, size: window.upperBound + 1) else {
                throw HubError.forbidden("The range asked for is outside this URL's window")
            }
            range = asked
        }
        let served = range ?? window
        let xet = self.xet
        // Refused before the first byte goes out: the signature and window are checked first.
        try xet.checkWindow(xorb: hash, window: window, expires: expires, signature: signature, range: served)
        var headers: HTTPFields = [.contentType: "application/octet-stream", .contentLength: String(served.count)]
        if range != nil { headers[.contentRange] = "bytes \(served.lowerBound)-\(served.upperBound)/*" }
        return Response(
            status: range == nil ? .ok : .partialContent, headers: headers,
            body: ResponseBody { writer in
                try await xet.readWindow(xorb: hash, range: served) { try await writer.write($0) }
                try await writer.finish(nil)
            })
    }

    static func hash(_ context: HubRequestContext) throws -> MerkleHash {
        guard let text = context.parameters.get("hash"), let hash = MerkleHash(xetString: text) else {
            throw HubError.badRequest("A Xet hash is 64 hex digits")
        }
        return hash
    }
}
