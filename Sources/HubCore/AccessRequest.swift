import Foundation

/// Where an access request to a gated repository stands.
public enum AccessRequestStatus: String, Sendable, Equatable, CaseIterable {
    case pending, accepted, rejected
}

/// A user's request for access to a gated repository, as its admins list it.
public struct AccessRequest: Sendable, Equatable {
    public let id: Int64
    public let user: User
    public let status: AccessRequestStatus
    /// What the user filled in when asking (JSON object text), if anything.
    public let fieldsJSON: String?
    public let rejectionReason: String?
    /// When it was made, or last decided.
    public let updatedAt: Date

    public init(
        id: Int64, user: User, status: AccessRequestStatus, fieldsJSON: String?, rejectionReason: String?, updatedAt: Date
    ) {
        self.id = id
        self.user = user
        self.status = status
        self.fieldsJSON = fieldsJSON
        self.rejectionReason = rejectionReason
        self.updatedAt = updatedAt
    }
}
