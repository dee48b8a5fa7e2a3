import CLZ4
import HubCore

/// Turns one serialized Xet chunk back into its bytes: stored as is (scheme 0), an LZ4 frame
/// (scheme 1), or an LZ4 frame of the bytes regrouped by position mod 4 (scheme 2, "BG4", which
/// makes float tensors compress; xet-core's `xorb_object/compression_scheme`). The output is
/// bounded by the size the chunk header declares: a frame that decodes to more (an LZ4 bomb) or
/// to less is refused, and nothing is ever allocated past that size.
public final class ChunkDecoder {
    public enum Scheme: UInt8, Sendable {
        case none = 0
        case lz4 = 1
        case byteGrouping4LZ4 = 2
    }

    private var context: OpaquePointer?

    public init() throws {
        var created: OpaquePointer?
        let result = LZ4F_createDecompressionContext(&created, UInt32(LZ4F_VERSION))
        guard LZ4F_isError(result) == 0, let created else {
            throw HubError.internalFailure("LZ4 could not create a decompression context")
        }
        context = created
    }

    deinit {
        if let context { LZ4F_freeDecompressionContext(context) }
    }

    /// The chunk's bytes, exactly `size` of them.
    public func decode(_ payload: UnsafeRawBufferPointer, scheme: Scheme, size: Int) throws -> [UInt8] {
        switch scheme {
        case .none:
            guard payload.count == size else {
                throw HubError.badRequest("An uncompressed chunk declares \(size) bytes but holds \(payload.count)")
            }
            return Array(payload)
        case .lz4:
            return try decompressFrame(payload, size: size)
        case .byteGrouping4LZ4:
            return Self.ungroup(try decompressFrame(payload, size: size))
        }
    }

    private func decompressFrame(_ payload: UnsafeRawBufferPointer, size: Int) throws -> [UInt8] {
        guard let context else { throw HubError.internalFailure("LZ4 context missing") }
        LZ4F_resetDecompressionContext(context)
        // One byte more than declared: a frame that fills it decodes to too much.
        var output = [UInt8](repeating: 0, count: size + 1)
        var produced = 0
        var consumed = 0
        var finished = false
        try output.withUnsafeMutableBytes { out in
            while consumed < payload.count, produced < out.count {
                var outputSize = out.count - produced
                var inputSize = payload.count - consumed
                let hint = LZ4F_decompress(
                    context, out.baseAddress.map { $0 + produced }, &outputSize,
                    payload.baseAddress.map { $0 + consumed }, &inputSize, nil)
                if LZ4F_isError(hint) != 0 {
                    throw HubError.badRequest("A chunk is not a valid LZ4 frame")
                }
                produced += outputSize
                consumed += inputSize
                if hint == 0 {
                    finished = true
                    break
                }
                if outputSize == 0 && inputSize == 0 { break }
            }
        }
        guard produced <= size else {
            throw HubError.badRequest("A chunk declares \(size) bytes but decompresses to more")
        }
        guard finished, consumed == payload.count else {
            throw HubError.badRequest("A chunk's LZ4 frame is truncated or followed by other bytes")
        }
        guard produced == size else {
            throw HubError.badRequest("A chunk declares \(size) bytes but decompresses to \(produced)")
        }
        output.removeLast()
        return output
    }

    /// Undoes BG4: the bytes at positions 0, 4, 8 … came first, then 1, 5, 9 …, then 2 …, then
    /// 3 …; when the length is not a multiple of 4 the first groups hold one byte more.
    static func ungroup(_ grouped: [UInt8]) -> [UInt8] {
        let count = grouped.count
        var output = [UInt8](repeating: 0, count: count)
        var source = 0
        for group in 0..<4 {
            var position = group
            while position < count {
                output[position] = grouped[source]
                source += 1
                position += 4
            }
        }
        return output
    }
}
