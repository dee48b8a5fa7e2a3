import Foundation
import HubCore
import HubGit

/// git's smart-HTTP services for one repository, with access checked before any process starts.
public struct GitGateway: Sendable {
    let repos: RepoService
    let transport: GitTransport

    /// Checks access for `service` and returns the repository it may run on:
    /// reading (clone, fetch) needs read access; pushing needs write access.
    public func authorize(_ service: GitService, on id: RepoID, caller: Caller?) async throws -> RepoInfo {
        switch service {
        case .uploadPack:
            do {
                return try await repos.readable(id, caller: caller)
            } catch HubError.repoNotFound where caller == nil {
                // Anonymous: a challenge, so git asks for credentials (as for a private repository).
                throw HubError.authenticationRequired
            }
        case .receivePack:
            return try await repos.writable(id, caller: caller)
        }
    }

    public func advertiseRefs(
        _ service: GitService, of repo: RepoInfo, gitProtocol: String?,
        output: @escaping @Sendable ([UInt8]) async throws -> Void
    ) async throws {
        try await transport.advertiseRefs(
            service, repository: repos.location(of: repo), gitProtocol: gitProtocol, output: output)
    }

    public func serve<Input: AsyncSequence & Sendable>(
        _ service: GitService, on repo: RepoInfo, gitProtocol: String?, input: Input,
        output: @escaping @Sendable ([UInt8]) async throws -> Void
    ) async throws where Input.Element == [UInt8] {
        let location = repos.location(of: repo)
        do {
            try await transport.serve(
                service, repository: location, gitProtocol: gitProtocol,
                hookEnvironment: [PushHook.repoRowIDVariable: String(repo.rowID)], input: input, output: output)
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
                await Task { try? await repos.refreshHead(of: repo) }.value
            }
            throw error
        }
        // The index follows git: after a push, whatever it changed, read the head again.
        if service == .receivePack { try await repos.refreshHead(of: repo) }
    }
}
