import CBLAKE3

/// Keyed BLAKE3 with a 32-byte output, the one hash function of Xet, through the reference C
/// implementation (its SSE4.1/AVX2/AVX-512 kernels are picked at run time).
public struct BLAKE3Hasher {
    private var state = blake3_hasher()

    public init(key: MerkleHash) {
        let key = key.bytes
        key.withUnsafeBufferPointer { blake3_hasher_init_keyed(&state, $0.baseAddress) }
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        blake3_hasher_update(&state, base, bytes.count)
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    public mutating func update<Bytes: StringProtocol>(text: Bytes) {
        var text = String(text)
        text.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    public mutating func finalize() -> MerkleHash {
        var out = [UInt8](repeating: 0, count: 32)
        out.withUnsafeMutableBufferPointer { blake3_hasher_finalize(&state, $0.baseAddress, 32) }
        // 32 bytes in, so the failable initializer cannot fail.
        return MerkleHash(bytes: out) ?? .zero
    }

    /// The keyed hash of `bytes` in one call.
    public static func hash(_ bytes: UnsafeRawBufferPointer, key: MerkleHash) -> MerkleHash {
        var hasher = BLAKE3Hasher(key: key)
        hasher.update(bytes)
        return hasher.finalize()
    }
}
