import Crypto
import CryptoExtras
import Foundation
import HubCore

/// Passwords for the web UI, hashed with scrypt (swift-crypto's CryptoExtras, BoringSSL).
/// A stored value is `scrypt$N$r$p$salt$hash` (salt and hash in base64), so the cost can rise
/// later without breaking the passwords already stored.
public enum PasswordHasher {
    /// N = 2^15, r = 8, p = 1: about 32 MiB and a few tens of milliseconds per attempt.
    static let rounds = 1 << 15
    static let blockSize = 8
    static let parallelism = 1
    public static let lengthRange = 8...1024

    public static func validate(_ password: String) throws(HubError) {
        guard lengthRange.contains(password.utf8.count) else {
            throw .badRequest("A password has 8 to 1024 characters")
        }
    }

    public static func hash(_ password: String) throws -> String {
        try validate(password)
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = generator.next() }
        let key = try derive(password, salt: salt, rounds: rounds, blockSize: blockSize, parallelism: parallelism)
        return ["scrypt", String(rounds), String(blockSize), String(parallelism),
                Data(salt).base64EncodedString(), Data(key).base64EncodedString()].joined(separator: "$")
    }

    /// Whether `password` matches `stored`, compared in constant time.
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let rounds = Int(parts[1]), let blockSize = Int(parts[2]),
            let parallelism = Int(parts[3]), let salt = Data(base64Encoded: parts[4]), let expected = Data(base64Encoded: parts[5]),
            let key = try? derive(password, salt: Array(salt), rounds: rounds, blockSize: blockSize, parallelism: parallelism),
            key.count == expected.count
        else { return false }
        return zip(key, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func derive(_ password: String, salt: [UInt8], rounds: Int, blockSize: Int, parallelism: Int) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: rounds, blockSize: blockSize,
            parallelism: parallelism)
        return key.withUnsafeBytes { Array($0) }
    }
}
