import Foundation
import HubCore
import HubGit

/// git's smart-HTTP services for one repository, run only on a grant that carries the access
/// the service needs (read to clone and fetch, write to push), so no git process starts first.
public struct GitGateway: Sendable {
    let repos: RepoService
    let transport: GitTransport
    /// What the push hook needs besides the repository (`PushHook.environment`).
    let hookSettings: [String: String]

    public func advertiseRefs(
        _ service: GitService, of grant: RepoGrant, gitProtocol: String?,
        output: @escaping @Sendable ([UInt8]) async throws -> Void
    ) async throws {
        try grant.require(service.requiredAccess)
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

    public func serve<Input: AsyncSequence & Sendable>(
        _ service: GitService, on grant: RepoGrant, gitProtocol: String?, input: Input,
        output: @escaping @Sendable ([UInt8]) async throws -> Void
    ) async throws where Input.Element == [UInt8] {
        try grant.require(service.requiredAccess)
        let repo = grant.repo
        let location = repos.location(of: repo)
        let maintenance = repos.maintenance
        if service == .receivePack { await maintenance.pushStarted(location) }
        let before = service == .receivePack ? repos.refSnapshot(repo) : [:]
        defer { if service == .receivePack { Task { await maintenance.pushEnded(location) } } }
        do {
            try await transport.serve(
                service, repository: location, gitProtocol: gitProtocol,
                hookEnvironment: hookSettings.merging([PushHook.repoRowIDVariable: String(repo.rowID)]) { $1 }, input: input, output: output)
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
                    await repos.reportPush(repo, before: before)
                }.value
            }
            throw error
        }
        // The index follows git: after a push, whatever it changed, read the head again.
        if service == .receivePack {
            try await repos.refreshHead(of: repo)
            await repos.reportPush(repo, before: before)
        }
    }
}
