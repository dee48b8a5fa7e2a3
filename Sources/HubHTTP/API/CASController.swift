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
/// - `GET /v1/chunks/{prefix}/{hash}` (global dedup) answers 404: nothing to reuse is offered
///   yet, and the client dedups within its own upload;
/// - `POST /v1/telemetry`, at the root of the CAS's origin, is accepted and dropped.
struct CASController {
    static let prefix = "/xet"
    let xet: XetService

    struct XorbAnswer: Encodable {
        let was_inserted: Bool
    }

    struct ShardAnswer: Encodable {
        let result: Int
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
            _ = try Self.hash(context)
            throw HubError.entryNotFound("chunk")
        }
        router.post("/v1/telemetry") { _, _ in
            Response(status: .ok)
        }
    }

    static func hash(_ context: HubRequestContext) throws -> MerkleHash {
        guard let text = context.parameters.get("hash"), let hash = MerkleHash(xetString: text) else {
            throw HubError.badRequest("A Xet hash is 64 hex digits")
        }
        return hash
    }
}
