import Foundation
import HubCore

/// The secret that signs LFS transfer URLs: 32 random bytes in `data/secret.key`, made on first
/// start. Instances that share the data folder (or a copy of the file) verify each other's URLs.
enum SigningSecret {
    static func load(from dataDirectory: URL, temporaryDirectory: URL) throws -> [UInt8] {
        let file = dataDirectory.appendingPathComponent("secret.key")
        if let existing = try? Data(contentsOf: file), existing.count >= 32 {
            return Array(existing)
        }
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        do {
            try DurableFiles.write(secret, to: file, temporaryDirectory: temporaryDirectory, mode: 0o600)
        } catch {
            throw HubError.internalFailure("cannot write \(file.path): \(error.localizedDescription)")
        }
        // Another process may have written its own at the same time: the file on disk wins.
        return Array(try Data(contentsOf: file))
    }
}
