import Foundation

extension ByteRange {
    /// The ranges of a `Range: bytes=a-b,c-d,…` header in which every range names both ends,
    /// as self-authorising URLs are asked (xet-core `cas_client/remote_client.rs` joins a
    /// reconstruction's ranges this way); nil for anything else, which such a URL ignores.
    static func explicitRanges(header: String?) -> [ClosedRange<Int64>]? {
        guard let header, header.hasPrefix("bytes=") else { return nil }
        var ranges: [ClosedRange<Int64>] = []
        for spec in header.dropFirst("bytes=".count).split(separator: ",", omittingEmptySubsequences: false) {
            let ends = spec.split(separator: "-", omittingEmptySubsequences: false)
            guard ends.count == 2,
                let first = Int64(ends[0].trimmingCharacters(in: .whitespaces)),
                let last = Int64(ends[1].trimmingCharacters(in: .whitespaces)),
                first >= 0, first <= last
            else { return nil }
            ranges.append(first...last)
        }
        return ranges.isEmpty ? nil : ranges
    }
}
