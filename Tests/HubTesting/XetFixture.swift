import Foundation
import XetCore

/// What hf_xet 1.8.0 uploaded for two generated files (`XetFixtures/capture.py` regenerates
/// them): one xorb and one shard each, with the hashes the client declared.
public struct XetFixture: Sendable {
    public let name: String
    public let xorbHash: String
    public let fileHash: String
    public let sha256: String
    public let size: Int
    public let chunks: Int

    /// Random bytes, text and a float32 ramp: chunks stored as is and BG4-LZ4 compressed.
    public static let mixed = XetFixture(
        name: "mixed", xorbHash: "e00883b26c6c527952cfa2aeca2b3333409ab5b876b6e42ec364e729704d777a",
        fileHash: "fa05d18548f4ca0c59fb79522a90e734efe29e6be5a247c0ede23652229825fc",
        sha256: "41c298c6aacc023a3167982239b22d8ee43d3674bf88ce260baf5aee2d9dac69", size: 378_000, chunks: 7)
    /// Text only: LZ4-compressed chunks.
    public static let text = XetFixture(
        name: "text", xorbHash: "a9786c79899bde0b47ff6e532bf86a2dde6239bb75f99c5b22b24809272cd283",
        fileHash: "b3b9497307b6a251595fb2ecccbd85d554c41f91b4d5da9e109e025aab77d0d2",
        sha256: "0a36cf209fcd7c2c78c7004c4592a8a3edf88b3aaca45d7833079bea2ed48c5e", size: 157_560, chunks: 2)
    public static let all = [mixed, text]

    public var xorb: [UInt8] { get throws { try Self.bytes(name + ".xorb") } }
    public var shard: [UInt8] { get throws { try Self.bytes(name + ".shard") } }

    public static func bytes(_ file: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: "XetFixtures/" + file, withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile)
        }
        return Array(try Data(contentsOf: url))
    }
}
