import Crypto
import Foundation
import HubCore

/// What a Xet access token lets its holder do at the CAS: read (reconstructions, dedup queries)
/// or also write (xorbs, shards), for one repository (by its index row, which survives renames),
/// until it expires. Minted by `xet-read-token` / `xet-write-token` (hub-docs
/// `docs/xet/auth.md`) and signed like the LFS transfer URLs, so any instance holding the same
/// secret accepts it.
public struct XetToken: Sendable, Equatable {
    public enum Scope: String, Sendable {
        case read, write
    }

    public let scope: Scope
    public let repoRowID: Int64
    public let userID: Int64
    public let expires: Int64

    public init(scope: Scope, repoRowID: Int64, userID: Int64, expires: Int64) {
        self.scope = scope
        self.repoRowID = repoRowID
        self.userID = userID
        self.expires = expires
    }

    var payload: String {
        ["xet", scope.rawValue, String(repoRowID), String(userID), String(expires)].joined(separator: "|")
    }

    func allows(_ needed: Scope, now: Date) -> Bool {
        (needed == .read || scope == .write) && Int64(now.timeIntervalSince1970) <= expires
    }
}

/// Signs and checks `XetToken`s with HMAC-SHA256; the payload starts with `xet|`, so no LFS
/// transfer grant (signed with the same secret) can pass for one.
struct XetTokenSigner: Sendable {
    let key: SymmetricKey

    init(secret: [UInt8]) {
        key = SymmetricKey(data: secret)
    }

    func sign(_ token: XetToken) -> String {
        let payload = Array(token.payload.utf8)
        let signature = HMAC<SHA256>.authenticationCode(for: payload, using: key)
        return "xet_" + Base64URL.encode(payload) + "." + Base64URL.encode(Array(signature))
    }

    /// A signature for reading byte `windows` of a stored xorb until `expires`: the query of the
    /// self-authorising URLs reconstructions hand out (hf_xet fetches them with no credentials).
    func signWindows(xorb: String, windows: [ClosedRange<Int64>], expires: Int64) -> String {
        Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: Self.windowPayload(xorb, windows, expires), using: key)))
    }

    func verifyWindows(xorb: String, windows: [ClosedRange<Int64>], expires: Int64, signature: String) -> Bool {
        guard let bytes = Base64URL.decode(Substring(signature)) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(
            bytes, authenticating: Self.windowPayload(xorb, windows, expires), using: key)
    }

    private static func windowPayload(_ xorb: String, _ windows: [ClosedRange<Int64>], _ expires: Int64) -> [UInt8] {
        let list = windows.map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ",")
        return Array("xet-window|\(xorb)|\(list)|\(expires)".utf8)
    }

    func verify(_ text: String) -> XetToken? {
        guard text.hasPrefix("xet_") else { return nil }
        let parts = text.dropFirst(4).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Base64URL.decode(parts[0]), let signature = Base64URL.decode(parts[1]),
            HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: payload, using: key),
            let fields = String(validating: payload, as: UTF8.self)?.split(separator: "|").map(String.init),
            fields.count == 5, fields[0] == "xet", let scope = XetToken.Scope(rawValue: fields[1]),
            let repo = Int64(fields[2]), let user = Int64(fields[3]), let expires = Int64(fields[4])
        else { return nil }
        return XetToken(scope: scope, repoRowID: repo, userID: user, expires: expires)
    }
}
