import Foundation
import HubCore
import HubGit

/// git's smart-HTTP services for one repository, run only on a grant that carries the access
/// the service needs (read to clone and fetch; to push, write access, or leave to take part for
/// a push to pull requests only, which the push hook checks ref by ref), so no git process
/// starts first.
public struct GitGateway: Sendable {
    let repos: RepoService
    let transport: GitTransport
    /// What the push hook needs besides the repository (`PushHook.environment`).
    let hookSettings: [String: String]

    public func advertiseRefs(
        _ service: GitService, of grant: RepoGrant, gitProtocol: String?,
        output: @escaping @Sendable ([UInt8]) async throws -> Void
    ) async throws {
        try await requireAccess(to: service, grant)
        let repo = grant.repo
        if service == .receivePack {
            // A pusher's first request: if a push ended without the index reading its head (the
            // instance serving it was killed after git moved the branch, while another instance
            // serves on), the index catches up now, before this push is compared with it.
            try await repos.refreshHeadIfBehind(repo)
        }
        try await transport.advertiseRefs(
            service, repository: repos.location(of: repo), gitProtocol: gitProtocol, output: output)
    }

    /// Fails unless the grant's caller may use `service`: fetching needs the files (a gated
    /// repository's gate), pushing write access or leave to take part. Asked before a response
    /// starts, so a refusal is a status git shows, and again by each service.
    public func requireAccess(to service: GitService, _ grant: RepoGrant) async throws {
        try grant.require(service.requiredAccess)
        switch service {
        case .uploadPack:
            try await repos.requireFiles(grant)
        case .receivePack:
            if grant.access < .write {
                _ = try grant.requireParticipation()
                try await repos.requireFiles(grant)
            }
        }
    }

    /// What the push hook is told: the repository, the pusher, and whether they may write to
    /// it (or push to pull requests only).
    func pushHookVariables(_ grant: RepoGrant) -> [String: String] {
        var variables = [
            PushHook.repoRowIDVariable: String(grant.repo.rowID),
            PushHook.pusherWritesVariable: grant.access >= .write ? "1" : "0",
        ]
        if let caller = grant.caller { variables[PushHook.pusherIDVariable] = String(caller.user.id) }
        return variables
    }

    public func serve<Input: AsyncSequence & Sendable>(
        _ service: GitService, on grant: RepoGrant, gitProtocol: String?, input: Input,
        output: @escaping @Sendable ([UInt8]) async throws -> Void
    ) async throws where Input.Element == [UInt8] {
        try await requireAccess(to: service, grant)
        let repo = grant.repo
        let location = repos.location(of: repo)
        let maintenance = repos.maintenance
        if service == .receivePack { await maintenance.pushStarted(location) }
        let before = service == .receivePack ? repos.refSnapshot(repo) : [:]
        defer { if service == .receivePack { Task { await maintenance.pushEnded(location) } } }
        do {
            try await transport.serve(
                service, repository: location, gitProtocol: gitProtocol,
                hookEnvironment: hookSettings.merging(pushHookVariables(grant)) { $1 }, input: input, output: output)
        } catch HubError.payloadTooLarge(let message) where service == .uploadPack {
            // A fetch request past its bound (the input refuses to go on and git is stopped).
            // git reads its whole request before it answers, so nothing has been sent yet, and
            // the client shows this line as "remote error: …".
            try await output(PacketLine.error(message))
        } catch {
            // A push that failed, or whose client left (the request's task is then cancelled,
            // and the database refuses work from a cancelled task), may still have moved a ref:
            // the index reads the head again outside the request's cancellation.
            if service == .receivePack {
                let repos = self.repos
                await Task {
                    try? await repos.refreshHead(of: repo)
                    await repos.reportPush(repo, before: before, by: grant.caller)
                }.value
            }
            throw error
        }
        // The index follows git: after a push, whatever it changed, read the head again.
        if service == .receivePack {
            try await repos.refreshHead(of: repo)
            await repos.reportPush(repo, before: before, by: grant.caller)
        }
    }
}
