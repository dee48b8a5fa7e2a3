/// A `Range: bytes=…` request header resolved against a file of `size` bytes.
/// One range is served as 206; several ranges are answered with the whole file (RFC 9110 allows it).
enum ByteRange: Equatable {
    case whole
    case partial(ClosedRange<Int64>)
    case unsatisfiable

    init(header: String?, size: Int64) {
        guard let header, header.hasPrefix("bytes=") else {
            self = .whole
            return
        }
        let spec = header.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        guard !spec.contains(",") else {
            self = .whole
            return
        }
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            self = .whole
            return
        }
        let first = parts[0].trimmingCharacters(in: .whitespaces)
        let last = parts[1].trimmingCharacters(in: .whitespaces)
        if first.isEmpty {
            // Suffix range: the last N bytes.
            guard let count = Int64(last), count >= 0 else {
                self = .whole
                return
            }
            guard count > 0, size > 0 else {
                self = .unsatisfiable
                return
            }
            self = .partial(max(0, size - count)...(size - 1))
            return
        }
        guard let start = Int64(first), start >= 0 else {
            self = .whole
            return
        }
        guard start < size else {
            self = .unsatisfiable
            return
        }
        if last.isEmpty {
            self = .partial(start...(size - 1))
        } else if let end = Int64(last), end >= start {
            self = .partial(start...min(end, size - 1))
        } else {
            self = .whole
        }
    }
}
