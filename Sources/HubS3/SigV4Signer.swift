import Crypto
import Foundation
import HubCore

/// AWS Signature Version 4 for S3, as specified in "Authenticating Requests (AWS Signature
/// Version 4)" of the Amazon S3 API reference: a signed `Authorization` header for the hub's own
/// requests, and presigned URLs (the signature in the query string) that clients follow.
public struct SigV4Signer: Sendable {
    public let accessKey: String
    let secretKey: String
    public let region: String
    static let service = "s3"
    static let algorithm = "AWS4-HMAC-SHA256"
    /// The payload hash of a request whose body is streamed without being hashed first (S3 then
    /// relies on TLS, or on the hub's own SHA-256 check, for integrity).
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    public init(accessKey: String, secretKey: String, region: String) {
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.region = region
    }

    /// The headers that sign a request: `x-amz-date`, `x-amz-content-sha256` and `Authorization`.
    /// `headers` are the other headers the request carries that should be signed (at least `host`).
    public func signedHeaders(
        method: String, path: String, query: [(String, String)], headers: [(String, String)], payloadHash: String,
        date: Date = Date()
    ) -> [(String, String)] {
        let (dateTime, day) = Self.timestamps(date)
        var all = headers.map { ($0.0.lowercased(), $0.1.trimmingCharacters(in: .whitespaces)) }
        all.append(("x-amz-content-sha256", payloadHash))
        all.append(("x-amz-date", dateTime))
        all.sort { $0.0 < $1.0 }
        let signedNames = all.map(\.0).joined(separator: ";")
        let canonical = Self.canonicalRequest(
            method: method, path: path, query: query, headers: all, signedNames: signedNames, payloadHash: payloadHash)
        let scope = "\(day)/\(region)/\(Self.service)/aws4_request"
        let signature = sign(canonical, dateTime: dateTime, day: day, scope: scope)
        return [
            ("x-amz-content-sha256", payloadHash),
            ("x-amz-date", dateTime),
            (
                "Authorization",
                "\(Self.algorithm) Credential=\(accessKey)/\(scope),SignedHeaders=\(signedNames),Signature=\(signature)"
            ),
        ]
    }

    /// The query string (without `?`) that makes `method path` on `host` valid for `expires`
    /// seconds from `date` to whoever holds it, with no other credentials.
    public func presignedQuery(
        method: String, path: String, host: String, expires: Int, query: [(String, String)] = [], date: Date = Date()
    ) -> String {
        let (dateTime, day) = Self.timestamps(date)
        let scope = "\(day)/\(region)/\(Self.service)/aws4_request"
        var parameters = query
        parameters += [
            ("X-Amz-Algorithm", Self.algorithm),
            ("X-Amz-Credential", "\(accessKey)/\(scope)"),
            ("X-Amz-Date", dateTime),
            ("X-Amz-Expires", String(expires)),
            ("X-Amz-SignedHeaders", "host"),
        ]
        let canonical = Self.canonicalRequest(
            method: method, path: path, query: parameters, headers: [("host", host)], signedNames: "host",
            payloadHash: Self.unsignedPayload)
        let signature = sign(canonical, dateTime: dateTime, day: day, scope: scope)
        return Self.canonicalQuery(parameters) + "&X-Amz-Signature=\(signature)"
    }

    private func sign(_ canonicalRequest: String, dateTime: String, day: String, scope: String) -> String {
        let stringToSign = [
            Self.algorithm, dateTime, scope, SHA256.hash(data: Array(canonicalRequest.utf8)).hexString,
        ].joined(separator: "\n")
        var key = SymmetricKey(data: Array("AWS4\(secretKey)".utf8))
        for step in [day, region, Self.service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(step.utf8), using: key)))
        }
        return HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key).hexString
    }

    static func canonicalRequest(
        method: String, path: String, query: [(String, String)], headers: [(String, String)], signedNames: String,
        payloadHash: String
    ) -> String {
        let headerLines = headers.map { "\($0.0):\($0.1)\n" }.joined()
        return [method, encodePath(path), canonicalQuery(query), headerLines, signedNames, payloadHash]
            .joined(separator: "\n")
    }

    /// Parameters sorted by encoded name (then value), each `name=value` with both URI-encoded.
    public static func canonicalQuery(_ query: [(String, String)]) -> String {
        let encoded: [(name: String, value: String)] = query.map { (encode($0.0), encode($0.1)) }
        let sorted = encoded.sorted { left, right in
            left.name == right.name ? left.value < right.value : left.name < right.name
        }
        return sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// A path with every byte but the unreserved ones and `/` percent-encoded (S3 encodes once).
    public static func encodePath(_ path: String) -> String {
        encode(path, keepingSlash: true)
    }

    /// RFC 3986 encoding as SigV4 wants it: `A-Z a-z 0-9 - _ . ~` kept, every other byte `%XX`.
    public static func encode(_ text: String, keepingSlash: Bool = false) -> String {
        let digits = Array("0123456789ABCDEF".unicodeScalars)
        var encoded = String.UnicodeScalarView()
        for byte in text.utf8 {
            if isUnreserved(byte) || (keepingSlash && byte == UInt8(ascii: "/")) {
                encoded.append(Unicode.Scalar(byte))
            } else {
                encoded.append("%")
                encoded.append(digits[Int(byte >> 4)])
                encoded.append(digits[Int(byte & 0x0F)])
            }
        }
        return String(encoded)
    }

    static func isUnreserved(_ byte: UInt8) -> Bool {
        let isLetter = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        let isDigit = byte >= 0x30 && byte <= 0x39
        return isLetter || isDigit || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x7E
    }

    static func timestamps(_ date: Date) -> (dateTime: String, day: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let day = pad(parts.year, 4) + pad(parts.month, 2) + pad(parts.day, 2)
        return (day + "T" + pad(parts.hour, 2) + pad(parts.minute, 2) + pad(parts.second, 2) + "Z", day)
    }
}
