import Crypto
import Foundation
import HubCore

/// A signed, expiring permission to move one LFS object of one repository, put in the URLs the
/// batch API hands out: huggingface_hub sends no credentials with the PUT, so the URL must
/// authorise itself. Any instance holding the same secret can verify it.
public struct TransferGrant: Sendable, Equatable {
    public enum Operation: String, Sendable {
        case upload, download, verify
    }

    public let operation: Operation
    public let repoKey: String
    public let oid: LFSObjectID
    public let size: Int64
    public let expires: Int64
    /// The user the grant was issued to (0 for anonymous downloads).
    public let userID: Int64

    public init(operation: Operation, repo: RepoID, oid: LFSObjectID, size: Int64, expires: Date, userID: Int64) {
        self.operation = operation
        repoKey = TransferGrant.key(of: repo)
        self.oid = oid
        self.size = size
        self.expires = Int64(expires.timeIntervalSince1970)
        self.userID = userID
    }

    init(operation: Operation, repoKey: String, oid: LFSObjectID, size: Int64, expires: Int64, userID: Int64) {
        self.operation = operation
        self.repoKey = repoKey
        self.oid = oid
        self.size = size
        self.expires = expires
        self.userID = userID
    }

    static func key(of repo: RepoID) -> String {
        "\(repo.kind.rawValue)/\(repo.namespace.key)/\(repo.name.key)"
    }

    func allows(_ operation: Operation, on repo: RepoID, oid: LFSObjectID, now: Date) -> Bool {
        self.operation == operation && repoKey == Self.key(of: repo) && self.oid == oid
            && Int64(now.timeIntervalSince1970) <= expires
    }

    var payload: String {
        [operation.rawValue, repoKey, oid.hex, String(size), String(expires), String(userID)].joined(separator: "|")
    }
}

/// Signs and checks `TransferGrant`s with HMAC-SHA256.
public struct TransferSigner: Sendable {
    let key: SymmetricKey

    public init(secret: [UInt8]) {
        key = SymmetricKey(data: secret)
    }

    /// `<payload>.<signature>`, both base64url, safe in a query string.
    public func sign(_ grant: TransferGrant) -> String {
        let payload = Array(grant.payload.utf8)
        let signature = HMAC<SHA256>.authenticationCode(for: payload, using: key)
        return Base64URL.encode(payload) + "." + Base64URL.encode(Array(signature))
    }

    /// The grant inside `token`, if its signature is ours (compared in constant time).
    public func verify(_ token: String) -> TransferGrant? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Base64URL.decode(parts[0]), let signature = Base64URL.decode(parts[1]),
            HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: payload, using: key),
            let text = String(validating: payload, as: UTF8.self)
        else { return nil }
        let fields = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 6, let operation = TransferGrant.Operation(rawValue: fields[0]),
            let oid = try? LFSObjectID(fields[2]), let size = Int64(fields[3]), let expires = Int64(fields[4]),
            let userID = Int64(fields[5])
        else { return nil }
        return TransferGrant(operation: operation, repoKey: fields[1], oid: oid, size: size, expires: expires, userID: userID)
    }
}

enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: Substring) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map(Array.init)
    }
}
