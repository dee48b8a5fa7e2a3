import Foundation
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
/// - `POST /v2/shards` and `POST /v1/shards`: files verified against the stored xorbs and
///   registered; v2 answers with NDJSON progress frames while it verifies (xet-core
///   `cas_types::ShardUploadEvent`), v1 with one JSON answer at the end;
/// - `GET /v1/chunks/{prefix}/{hash}` (global dedup): a shard naming the xorb that holds the
///   chunk, its chunk hashes keyed per answer, or 404;
/// - `GET /v1/reconstructions/{file}` and `/v2/…` (with `Range`): the file's terms and signed
///   URLs to the xorb bytes, for a token of a repository the file is bound to; v1 gives one URL
///   per byte range, v2 one per xorb covering all its ranges (hf_xet then asks them with one
///   multi-range `Range`); `GET /v1/xorb-data/{xorb}` serves those URLs;
/// - `POST /v1/telemetry`, at the root of the CAS's origin, is accepted and dropped.
struct CASController {
    static let prefix = "/xet"
    let xet: XetService
    let baseURL: BaseURL
    let shardBodies = ShardBodyBudget()

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

    /// One NDJSON frame of `POST /v2/shards` (xet-core `cas_types::ShardUploadEvent`).
    struct ShardFrame: Encodable {
        var type: String
        var verified: Int?
        var total: Int?
        var stage: String?
        var message: String?
        var retryable: Bool?
    }

    struct RangeDescriptor: Encodable {
        let chunks: ChunkRange
        let bytes: ByteWindow
    }

    struct MultiRangeFetch: Encodable {
        let url: String
        let ranges: [RangeDescriptor]
    }

    struct ReconstructionAnswerV2: Encodable {
        let offset_into_first_range: Int64
        let terms: [Term]
        let xorbs: [String: [MultiRangeFetch]]
    }

    /// The most byte ranges one v2 URL covers: xet-core's server splits near 8 KiB of URL.
    static let rangesPerURL = 200

    func register(on router: Router<HubRequestContext>) {
        let cas = router.group(RouterPath(Self.prefix))
        cas.post("/v1/xorb-grants/:prefix/:hash") { request, _ -> Response in
            _ = try xet.access(request.headers[.authorization], needs: .write)
            throw HTTPError(.notFound, message: "Upload grants are not offered: send the xorb to /v1/xorbs")
        }
        cas.post("/v1/xorbs/:prefix/:hash") { request, context in
            let token = try xet.access(request.headers[.authorization], needs: .write)
            let hash = try Self.hash(context)
            let length = request.headers[.contentLength].flatMap { Int64($0) }
            let inserted = try await xet.storeXorb(request.body, as: hash, declaredLength: length, token: token)
            return JSONBody.response(object: XorbAnswer(was_inserted: inserted))
        }
        cas.post("/v2/shards") { request, _ in
            try await shardV2(request)
        }
        cas.post("/v1/shards") { request, context in
            let token = try xet.access(request.headers[.authorization], needs: .write)
            let registered = try await shardBodies.withBody(of: request) { try await xet.registerShard($0, token: token) }
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
            try await reconstruction(request, context: context, version: 1)
        }
        cas.get("/v2/reconstructions/:hash") { request, context in
            try await reconstruction(request, context: context, version: 2)
        }
        cas.get("/v1/xorb-data/:hash") { request, context in
            try await xorbData(request, context: context)
        }
        router.post("/v1/telemetry") { _, _ in
            Response(status: .ok)
        }
    }

    /// `POST /v2/shards`: the shard is parsed and refused with a 4xx before the answer starts;
    /// then `200` and NDJSON frames, `validating` as the checks go (at most a few per second),
    /// `committing`, and a terminal `result`, or `error` in-band for a failure found later.
    func shardV2(_ request: Request) async throws -> Response {
        let token = try xet.access(request.headers[.authorization], needs: .write)
        let (bytes, reserved) = try await shardBodies.collect(request)
        // Held until the last frame is written, or the answer is dropped unwritten.
        let lease = ShardBodyBudget.Lease(budget: shardBodies, bytes: reserved)
        let shard: Shard
        do {
            shard = try xet.parseShard(bytes, token: token)
            try await xet.admit(shard, token: token)
        } catch {
            lease.end()
            throw error
        }
        let xet = self.xet
        return Response(
            status: .ok, headers: [.contentType: "application/x-ndjson"],
            body: ResponseBody { writer in
                defer { lease.end() }
                var lastFrame = ContinuousClock.now - .seconds(1)
                do {
                    _ = try await xet.registerShard(shard, token: token) { progress in
                        let frame: ShardFrame
                        switch progress {
                        case .validating(let verified, let total):
                            guard verified == total || ContinuousClock.now - lastFrame >= .milliseconds(250) else { return }
                            frame = ShardFrame(type: "validating", verified: verified, total: total)
                        case .committing:
                            frame = ShardFrame(type: "committing", stage: "syncing")
                        }
                        lastFrame = ContinuousClock.now
                        try await writer.write(Self.ndjson(frame))
                    }
                    try await writer.write(Self.ndjson(ShardFrame(type: "result")))
                } catch {
                    // A client mistake will fail again; anything else may pass on a retry.
                    let message = (error as? HubError).map(\.message) ?? "The shard could not be registered"
                    let retryable = (error as? HubError).map { if case .internalFailure = $0 { true } else { false } } ?? true
                    try await writer.write(Self.ndjson(ShardFrame(type: "error", message: message, retryable: retryable)))
                }
                try await writer.finish(nil)
            })
    }

    static func ndjson(_ frame: ShardFrame) -> ByteBuffer {
        var buffer = ByteBuffer(bytes: (try? JSONEncoder().encode(frame)) ?? Data(#"{"type":"error","message":"unencodable frame"}"#.utf8))
        buffer.writeString("\n")
        return buffer
    }

    /// `GET /v{1,2}/reconstructions/{file}`: the terms of the file (of the `Range` asked for) and
    /// signed URLs for the xorb bytes they need.
    func reconstruction(_ request: Request, context: HubRequestContext, version: Int) async throws -> Response {
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
        let plan = try await xet.reconstruction(of: file, first: first, last: last)
        let terms = plan.terms.map {
            Term(hash: $0.xorb.xetString, unpacked_length: $0.unpackedLength,
                 range: ChunkRange(start: $0.chunks.lowerBound, end: $0.chunks.upperBound))
        }
        let root = baseURL.url(for: request) + Self.prefix
        func url(_ xorb: MerkleHash, _ ranges: ArraySlice<XetReconstruction.Fetch>) -> String {
            let windows = ranges.map(\.bytes)
            let signature = xet.signWindows(xorb: xorb, windows: windows)
            let list = windows.map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ",")
            return "\(root)/v1/xorb-data/\(xorb.xetString)?windows=\(list)&expires=\(signature.expires)&signature=\(signature.signature)"
        }
        if version == 1 {
            var fetchInfo: [String: [Fetch]] = [:]
            for (xorb, ranges) in plan.fetches {
                fetchInfo[xorb.xetString] = ranges.map { range in
                    Fetch(
                        range: ChunkRange(start: range.chunks.lowerBound, end: range.chunks.upperBound),
                        url: url(xorb, [range]),
                        url_range: ByteWindow(start: range.bytes.lowerBound, end: range.bytes.upperBound))
                }
            }
            return JSONBody.response(object: ReconstructionAnswer(
                offset_into_first_range: plan.offsetIntoFirstRange, terms: terms, fetch_info: fetchInfo))
        }
        var xorbs: [String: [MultiRangeFetch]] = [:]
        for (xorb, ranges) in plan.fetches {
            xorbs[xorb.xetString] = stride(from: 0, to: ranges.count, by: Self.rangesPerURL).map { start in
                let group = ranges[start..<min(start + Self.rangesPerURL, ranges.count)]
                return MultiRangeFetch(url: url(xorb, group), ranges: group.map { range in
                    RangeDescriptor(
                        chunks: ChunkRange(start: range.chunks.lowerBound, end: range.chunks.upperBound),
                        bytes: ByteWindow(start: range.bytes.lowerBound, end: range.bytes.upperBound))
                })
            }
        }
        return JSONBody.response(object: ReconstructionAnswerV2(
            offset_into_first_range: plan.offsetIntoFirstRange, terms: terms, xorbs: xorbs))
    }

    /// `GET /v1/xorb-data/{xorb}?windows=a-b,c-d&expires=…&signature=…`: bytes of a stored xorb
    /// inside the signed windows, for whoever holds the URL (hf_xet sends no credentials with
    /// it). One range answers `206` with its bytes, several a `multipart/byteranges`; without a
    /// `Range`, the windows themselves are the ranges.
    func xorbData(_ request: Request, context: HubRequestContext) async throws -> Response {
        let hash = try Self.hash(context)
        let query = request.uri.queryParameters
        guard let windows = ByteRange.explicitRanges(header: query.get("windows").map { "bytes=" + $0 }),
            windows.count <= Self.rangesPerURL,
            let expires = query.get("expires").flatMap({ Int64($0) }), let signature = query.get("signature")
        else { throw HubError.forbidden("This xorb URL is not valid: ask for the reconstruction again") }
        let asked = ByteRange.explicitRanges(header: request.headers[.range])
        let ranges = asked ?? windows
        guard ranges.count <= Self.rangesPerURL else {
            throw HubError.forbidden("Ask for at most \(Self.rangesPerURL) ranges of this URL at once")
        }
        let xet = self.xet
        // Refused before the first byte goes out: the signature and windows are checked first.
        try xet.checkWindows(
            xorb: hash, windows: windows, signature: XetWindowSignature(expires: expires, signature: signature),
            ranges: ranges)
        if ranges.count == 1, let range = ranges.first {
            var headers: HTTPFields = [.contentType: "application/octet-stream", .contentLength: String(range.count)]
            if asked != nil { headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/*" }
            return Response(
                status: asked == nil ? .ok : .partialContent, headers: headers,
                body: ResponseBody { writer in
                    try await xet.readWindow(xorb: hash, range: range) { try await writer.write($0) }
                    try await writer.finish(nil)
                })
        }
        let multipart = MultipartByteRanges(ranges: ranges)
        return Response(
            status: .partialContent,
            headers: [.contentType: multipart.contentType, .contentLength: String(multipart.contentLength)],
            body: ResponseBody { writer in
                try await multipart.write(to: &writer) { range, consume in
                    try await xet.readWindow(xorb: hash, range: range, into: consume)
                }
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
