import HubCore
import NIOCore

/// The hub this one mirrors (`upstreamURL`): the public hub or another modelhub, as the mirror
/// reads it. Its failures are `HubError.upstreamFailed`; a repository it does not have (or does
/// not let this hub read) is nil, never an error.
public protocol UpstreamHub: Sendable {
    /// The repository as upstream describes it, or nil when upstream has none this hub may read.
    func repository(_ id: RepoID) async throws -> UpstreamRepository?
    /// Where git clones and fetches the repository from, and the HTTP headers it sends (the
    /// upstream token).
    func gitRemote(_ id: RepoID) -> (url: String, headers: [String])
    /// The bytes of the LFS object `object` of the repository, handed to `consume` as they
    /// arrive (the Git LFS batch API's download, which every hub that serves git-lfs answers).
    func download(
        _ id: RepoID, object: LFSPointer,
        into consume: (any AsyncSequence<ByteBuffer, any Error> & Sendable) async throws -> Void
    ) async throws
}

/// What the mirror needs to know of an upstream repository.
public struct UpstreamRepository: Sendable, Equatable {
    public let isPrivate: Bool
    /// Whether upstream gates its files behind access requests (its metadata stays readable).
    public let isGated: Bool

    public init(isPrivate: Bool, isGated: Bool = false) {
        self.isPrivate = isPrivate
        self.isGated = isGated
    }

    /// Why a gated upstream repository cannot be mirrored or its files fetched: the upstream
    /// token was not let through the gate. Said as a 403, not a 502 (upstream answered).
    public static func gateRefusal(_ id: RepoID) -> HubError {
        .forbidden(
            "\(id.path) is gated on the upstream hub, and the mirror's upstream token has not been granted access there:"
                + " an administrator requests access upstream for the account of MODELHUB_UPSTREAM_TOKEN")
    }
}

/// The upstream hub and how long what was fetched from it is served before it is asked again.
public struct MirrorUpstream: Sendable {
    public let hub: any UpstreamHub
    /// Seconds a mirror's branches and tags are served before upstream is asked again.
    public let metadataTTL: Double

    public init(hub: any UpstreamHub, metadataTTL: Double) {
        self.hub = hub
        self.metadataTTL = metadataTTL
    }
}
