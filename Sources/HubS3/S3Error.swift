/// An S3 request that failed: the operation, the HTTP status and S3's own error code and message.
public struct S3Error: Error, Sendable, CustomStringConvertible {
    public let operation: String
    public let status: UInt
    public let code: String?
    public let message: String?

    init(operation: String, status: UInt, code: String?, message: String?) {
        self.operation = operation
        self.status = status
        self.code = code
        self.message = message
    }

    /// Reads `<Code>` and `<Message>` from S3's XML error document, when the body is one.
    init(operation: String, status: UInt, body: [UInt8]) {
        let xml = S3XML(bytes: Array(body.prefix(4096)))
        self.init(operation: operation, status: status, code: xml.first("Code"), message: xml.first("Message"))
    }

    public var description: String {
        "S3 \(operation) failed with HTTP \(status)" + (code.map { ": \($0)" } ?? "") + (message.map { " (\($0))" } ?? "")
    }
}
