import Foundation
import Hummingbird
import HubCore
import HubServices

/// The Git LFS locks API: `git lfs lock`, `git lfs locks`, `git lfs unlock [--force]`, and the
/// `locks/verify` check git-lfs makes before every push.
struct LFSLocksController {
    let lfs: LFSService
    let repos: RepoService

    func register(on router: some RouterMethods<HubRequestContext>) {
        for kind in RepoKind.allCases {
            let base = LFSWire.routePrefix(kind)
            let reads = router.group().add(
                middleware: RepoAssignmentMiddleware(repos: repos, kind: kind, need: .read, challengesAnonymousCallers: true))
            let writes = router.group().add(
                middleware: RepoAssignmentMiddleware(repos: repos, kind: kind, need: .write, challengesAnonymousCallers: true))
            writes.post(RouterPath(base + "/locks")) { request, context in
                try await create(request, context: context)
            }
            reads.get(RouterPath(base + "/locks")) { request, context in
                try await list(request, context: context)
            }
            writes.post(RouterPath(base + "/locks/verify")) { request, context in
                try await verify(request, context: context)
            }
            writes.post(RouterPath(base + "/locks/:id/unlock")) { request, context in
                try await unlock(request, context: context)
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

    func create(_ request: Request, context: HubRequestContext) async throws -> Response {
        let grant = try context.grantedRepo()
        let body = try await LFSWire.decode(CreateRequest.self, from: request)
        do {
            let lock = try await lfs.createLock(on: grant, path: body.path, refName: body.ref?.name)
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

    func list(_ request: Request, context: HubRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let (locks, next) = try await lfs.locks(
            of: try context.grantedRepo(), path: query.get("path"), lockID: query.get("id"), cursor: query.get("cursor"),
            limit: query.get("limit").flatMap { Int($0) })
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

    func verify(_ request: Request, context: HubRequestContext) async throws -> Response {
        let grant = try context.grantedRepo()
        let body = try await LFSWire.decode(VerifyRequest.self, from: request)
        let (ours, theirs, next) = try await lfs.verifyLocks(on: grant, cursor: body.cursor, limit: body.limit)
        return LFSWire.json(
            VerifyResponse(ours: ours.map(LockJSON.init), theirs: theirs.map(LockJSON.init), next_cursor: next))
    }

    struct UnlockRequest: Decodable {
        let force: Bool?
        let ref: Ref?
    }

    func unlock(_ request: Request, context: HubRequestContext) async throws -> Response {
        let grant = try context.grantedRepo()
        let body = try await LFSWire.decode(UnlockRequest.self, from: request)
        let lock = try await lfs.unlock(on: grant, lockID: context.parameters.get("id") ?? "", force: body.force ?? false)
        return LFSWire.json(LockResponse(lock: LockJSON(lock), message: nil))
    }
}
