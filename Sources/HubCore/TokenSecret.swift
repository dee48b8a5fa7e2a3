/// The secret value of an access token, as a client sends it.
///
/// Generated tokens look like the public hub's (`hf_` and 34 letters or digits); a value set by an
/// administrator (for seeding CI or migrating from another hub) may be any 8 to 256 visible ASCII
/// characters.
public struct TokenSecret: Sendable, Hashable {
    public static let lengthRange = 8...256

    public let value: String

    public init(_ value: String) throws(HubError) {
        guard TokenSecret.lengthRange.contains(value.utf8.count) else {
            throw .badRequest("A token has 8 to 256 characters")
        }
        guard value.utf8.allSatisfy({ (0x21...0x7e).contains($0) }) else {
            throw .badRequest("A token is made of visible ASCII characters only (no spaces)")
        }
        self.value = value
    }

    /// A new random token: `hf_` followed by 34 characters from the 62 letters and digits.
    public static func generate() -> TokenSecret {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var generator = SystemRandomNumberGenerator()
        let body = String((0..<34).map { _ in alphabet.randomElement(using: &generator)! })
        return try! TokenSecret("hf_" + body)
    }
}
