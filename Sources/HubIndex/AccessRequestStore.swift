import Foundation
import HubCore

/// The access requests of gated repositories: one per user and repository.
public protocol AccessRequestStore: Sendable {
    /// Records `userID`'s request with `status` (pending, or accepted for an `auto` gate); a
    /// request already made keeps its status. Returns the request as it stands.
    func request(repo repoRowID: Int64, userID: Int64, fieldsJSON: String?, status: AccessRequestStatus) async throws
        -> AccessRequest
    /// Where `userID`'s request stands, if they made one.
    func status(repo repoRowID: Int64, userID: Int64) async throws -> AccessRequestStatus?
    /// The requests with `status`, oldest first.
    func requests(repo repoRowID: Int64, status: AccessRequestStatus) async throws -> [AccessRequest]
    /// Moves `userID`'s request to `status` (with the reason of a rejection); creates it when
    /// `creating` (`grant_access`). False when there is no request and none was created.
    func decide(
        repo repoRowID: Int64, userID: Int64, status: AccessRequestStatus, rejectionReason: String?, creating: Bool
    ) async throws -> Bool
}
