import Foundation
import Testing
@testable import XetCore

/// Xet's hashes against published reference values: xet-core's own correctness table for the
/// merkle tree (`merklehash/src/aggregated_hashes.rs`, `test_correctness`), and the string form.
@Suite struct XetHashTests {
    func leaves(_ pairs: [(String, UInt64)]) throws -> [(hash: MerkleHash, size: UInt64)] {
        try pairs.map { (try #require(MerkleHash(xetString: $0.0)), $0.1) }
    }

    @Test func theStringFormPrintsEachWordLittleEndian() throws {
        var bytes = [UInt8](repeating: 0, count: 32)
        bytes[0] = 0x01
        bytes[7] = 0xff
        let hash = try #require(MerkleHash(bytes: bytes))
        #expect(hash.xetString == "ff00000000000001" + String(repeating: "0", count: 48))
        #expect(MerkleHash(xetString: hash.xetString) == hash)
        #expect(hash.bytes == bytes)
        #expect(MerkleHash(xetString: "xyz") == nil)
        #expect(MerkleHash(xetString: String(repeating: "g", count: 64)) == nil)
        #expect(MerkleHash(bytes: [1, 2, 3]) == nil)
    }

    @Test func merkleRootsAndFileHashesMatchXetCoresReferenceTable() throws {
        let a = "cfc5d07f6f03c29bbf424132963fe08d19a37d5757aaf520bf08119f05cd56d6"
        let b = "c3e67584b5c4fc2a89837ec39e40f2c8a6bb0b2987ac94cd4b31e5fbdd210a72"
        let c = "0d2beb91b9196929a5ddec9f6e306924ddf4a24268e3e59fd8464738d525af37"
        let d = "adf8773496a9b7319b2e50dc98093f344053b17d8ad37100b9c07d9805988784"
        let cases: [(leaves: [(String, UInt64)], root: String, file: String)] = [
            ([(a, 100)], a, "8e16257caa3fe079d484d872a8975264b2ff683b0d6db9028cc7c0f968a45661"),
            ([(a, 100), (b, 200), (c, 300)],
             "71ec1275fca074724e2dd666921b3277c7cee603e4d025bcab2d4050015be2bc",
             "54e55dccc6653c612bdb5576c5d3cb34bb31bc4e100248abccf4c908b3ef7715"),
            ([(a, 100), (a, 100), (a, 100), (a, 100)],
             "89f2ada89ff8c96763c6b25010e6dd76a4c05b1466207633ea559acf2093211b",
             "2cdba690d0e09563596e0cda626d43eb4c96ef1e994fe72d9b2f5a83cfcd36dd"),
            ([(a, 100), (b, 200), (a, 100), (b, 200), (c, 300), (d, 400)],
             "52c826f99507aa05d0b45e9837fa1709e0485425cfbcb1e80db3905cf98b3ee9",
             "91d21684db364c8883ab8209fa5eb2e781cf07f37e1fa43e731c30839afe422f"),
        ]
        for (pairs, root, file) in cases {
            let list = try leaves(pairs)
            #expect(XetHash.merkleRoot(list).xetString == root)
            #expect(XetHash.file(list).xetString == file)
        }
        #expect(XetHash.merkleRoot([]) == .zero && XetHash.file([]) == .zero)
    }
}
