/// A file one commit changed.
public struct GitFileChange: Sendable, Equatable {
    public enum Status: String, Sendable {
        case added, modified, deleted, renamed
    }

    public let path: String
    public let status: Status

    public init(path: String, status: Status) {
        self.path = path
        self.status = status
    }
}
