import Foundation
import HubCore
import HubIndex

/// Gated repositories, as on the public hub (`update_repo_settings(gated=…)`): their files (every
/// download surface: resolve, raw, Git LFS, git fetch and clone, Xet) need an accepted access
/// request, while their metadata (repo info, listings, the file tree, the rendered card) stays as
/// visible as the repository. Who may write to it, its namespace's members and site admins pass
/// without asking; for everyone else a request is accepted at once (`auto`) or by the
/// repository's admins (`manual`).
extension RepoService {
    /// Refuses a gated repository's files to a caller without access: `GatedRepo`, 401 for an
    /// anonymous caller (sign in first), 403 for one who has not been accepted.
    public func requireFiles(_ grant: RepoGrant) async throws {
        guard try await !mayReadFiles(grant) else { return }
        throw HubError.gatedRepo(grant.repo.id, signedIn: grant.caller != nil)
    }

    /// Whether the caller may read the repository's files.
    public func mayReadFiles(_ grant: RepoGrant) async throws -> Bool {
        guard grant.repo.gated != nil else { return true }
        guard let caller = grant.caller else { return false }
        if grant.access >= .write || AccessPolicy.passesGate(of: grant.repo, caller: caller) { return true }
        return try await accessRequests.status(repo: grant.repo.rowID, userID: caller.user.id) == .accepted
    }

    /// Where the request of user `userID` stands, if they made one.
    public func requestStatus(_ grant: RepoGrant, userID: Int64) async throws -> AccessRequestStatus? {
        try await accessRequests.status(repo: grant.repo.rowID, userID: userID)
    }

    /// Gates the repository (or, nil, opens it). Repository admins only.
    public func setGated(_ grant: RepoGrant, mode: GatedMode?) async throws {
        try grant.require(.administer)
        try await store.setGated(grant.repo.id, mode: mode)
        guard mode != grant.repo.gated else { return }
        await report("update", scope: "repo.config", grant.repo) {
            $0.updatedConfig = ["gated": mode.map { .string($0.rawValue) } ?? .bool(false)]
        }
    }

    /// The caller asks for access to a gated repository's files, with what they filled in (a
    /// JSON object). An `auto` gate accepts at once; asking again changes nothing.
    public func requestAccess(_ grant: RepoGrant, fieldsJSON: String?) async throws -> AccessRequest {
        guard let caller = grant.caller else { throw HubError.authenticationRequired }
        guard let mode = grant.repo.gated else {
            throw HubError.badRequest("\(grant.repo.id.path) is not gated: its files need no access request")
        }
        if let fieldsJSON, fieldsJSON.utf8.count > 16 << 10 {
            throw HubError.payloadTooLarge("An access request's fields hold at most 16 KiB")
        }
        return try await accessRequests.request(
            repo: grant.repo.rowID, userID: caller.user.id, fieldsJSON: fieldsJSON,
            status: mode == .auto ? .accepted : .pending)
    }

    /// The requests with `status`, oldest first. Repository admins only.
    public func accessRequests(_ grant: RepoGrant, status: AccessRequestStatus) async throws -> [AccessRequest] {
        try grant.require(.administer)
        return try await accessRequests.requests(repo: grant.repo.rowID, status: status)
    }

    /// Accepts, rejects or (pending) cancels the decision on the request of the user `userName`
    /// or of request `requestID`. Repository admins only.
    public func decideAccess(
        _ grant: RepoGrant, userName: String?, requestID: Int64?, status: AccessRequestStatus, rejectionReason: String?
    ) async throws {
        try grant.require(.administer)
        let userID: Int64
        if let userName {
            guard let user = try await namespaces.accounts.user(named: userName) else { throw HubError.userNotFound(userName) }
            userID = user.id
        } else if let requestID {
            var found: AccessRequest?
            for status in AccessRequestStatus.allCases where found == nil {
                found = try await accessRequests.requests(repo: grant.repo.rowID, status: status).first { $0.id == requestID }
            }
            guard let found else { throw HubError.entryNotFound("access request \(requestID)") }
            userID = found.user.id
        } else {
            throw HubError.badRequest("Name the request's 'user' or its 'requestId'")
        }
        guard try await accessRequests.decide(
            repo: grant.repo.rowID, userID: userID, status: status,
            rejectionReason: status == .rejected ? rejectionReason : nil, creating: false)
        else {
            throw HubError.entryNotFound("access request of \(userName ?? String(requestID ?? 0)) to \(grant.repo.id.path)")
        }
    }

    /// Gives `userName` access without their asking (`grant_access`). Repository admins only.
    public func grantAccess(_ grant: RepoGrant, userName: String) async throws {
        try grant.require(.administer)
        guard let user = try await namespaces.accounts.user(named: userName) else { throw HubError.userNotFound(userName) }
        _ = try await accessRequests.decide(
            repo: grant.repo.rowID, userID: user.id, status: .accepted, rejectionReason: nil, creating: true)
    }
}
