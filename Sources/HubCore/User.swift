import Foundation

/// A person with an account on the hub.
public struct User: Sendable, Equatable {
    public let id: Int64
    public let name: HubName
    public let fullname: String
    public let email: String?
    public let isAdmin: Bool
    public let createdAt: Date

    public init(id: Int64, name: HubName, fullname: String, email: String?, isAdmin: Bool, createdAt: Date) {
        self.id = id
        self.name = name
        self.fullname = fullname
        self.email = email
        self.isAdmin = isAdmin
        self.createdAt = createdAt
    }
}
