import Foundation
import Hummingbird
import HubCore
import HubServices

/// The Git LFS locks API: `git lfs lock`, `git lfs locks`, `git lfs unlock [--force]`, and the
/// `locks/verify` check git-lfs makes before every push.
struct LFSLocksController {
    let lfs: LFSService

    func register(on router: some RouterMethods<HubRequestContext>) {
        for kind in RepoKind.allCases {
            let base = LFSWire.routePrefix(kind)
            router.post(RouterPath(base + "/locks")) { request, context in
                try await create(request, context: context, kind: kind)
            }
            router.get(RouterPath(base + "/locks")) { request, context in
                try await list(request, context: context, kind: kind)
            }
            router.post(RouterPath(base + "/locks/verify")) { request, context in
                try await verify(request, context: context, kind: kind)
            }
            router.post(RouterPath(base + "/locks/:id/unlock")) { request, context in
                try await unlock(request, context: context, kind: kind)
            }
        }
    }

    struct Ref: Decodable {
        let name: String?
    }

    struct LockJSON: Encodable {
        struct Owner: Encodable {
            let name: String
        }
        let id: String
        let path: String
        let locked_at: String
        let owner: Owner

        init(_ lock: LFSLock) {
            id = String(lock.id)
            path = lock.path
            locked_at = HubDate.format(lock.lockedAt)
            owner = Owner(name: lock.ownerName)
        }
    }

    struct CreateRequest: Decodable {
        let path: String
        let ref: Ref?
    }

    struct LockResponse: Encodable {
        let lock: LockJSON
        let message: String?
    }

    func create(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        let id = try context.repoID(kind: kind)
        let body = try await LFSWire.decode(CreateRequest.self, from: request)
        do {
            let lock = try await lfs.createLock(repo: id, path: body.path, refName: body.ref?.name, caller: try context.caller())
            return LFSWire.json(LockResponse(lock: LockJSON(lock), message: nil), status: .created)
        } catch let conflict as LFSLockConflict {
            return LFSWire.json(
                LockResponse(lock: LockJSON(conflict.existing), message: "already created lock"), status: .conflict)
        }
    }

    struct ListResponse: Encodable {
        let locks: [LockJSON]
        let next_cursor: String?
    }

    func list(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        let id = try context.repoID(kind: kind)
        let query = request.uri.queryParameters
        let (locks, next) = try await lfs.locks(
            repo: id, path: query.get("path"), lockID: query.get("id"), cursor: query.get("cursor"),
            limit: query.get("limit").flatMap { Int($0) }, caller: try context.caller())
        return LFSWire.json(ListResponse(locks: locks.map(LockJSON.init), next_cursor: next))
    }

    struct VerifyRequest: Decodable {
        let cursor: String?
        let limit: Int?
        let ref: Ref?
    }

    struct VerifyResponse: Encodable {
        let ours: [LockJSON]
        let theirs: [LockJSON]
        let next_cursor: String?
    }

    func verify(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        let id = try context.repoID(kind: kind)
        let body = try await LFSWire.decode(VerifyRequest.self, from: request)
        let (ours, theirs, next) = try await lfs.verifyLocks(
            repo: id, cursor: body.cursor, limit: body.limit, caller: try context.caller())
        return LFSWire.json(
            VerifyResponse(ours: ours.map(LockJSON.init), theirs: theirs.map(LockJSON.init), next_cursor: next))
    }

    struct UnlockRequest: Decodable {
        let force: Bool?
        let ref: Ref?
    }

    func unlock(_ request: Request, context: HubRequestContext, kind: RepoKind) async throws -> Response {
        let id = try context.repoID(kind: kind)
        let body = try await LFSWire.decode(UnlockRequest.self, from: request)
        let lock = try await lfs.unlock(
            repo: id, lockID: context.parameters.get("id") ?? "", force: body.force ?? false, caller: try context.caller())
        return LFSWire.json(LockResponse(lock: LockJSON(lock), message: nil))
    }
}
