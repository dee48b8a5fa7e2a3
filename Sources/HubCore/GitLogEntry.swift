import Foundation

/// One commit of a history listing.
public struct GitLogEntry: Sendable, Equatable {
    public let id: String
    public let title: String
    public let message: String
    public let date: Date
    public let authorName: String

    public init(id: String, title: String, message: String, date: Date, authorName: String) {
        self.id = id
        self.title = title
        self.message = message
        self.date = date
        self.authorName = authorName
    }
}
