import Foundation

extension String {
    /// `removingPercentEncoding`, without Foundation's decoding pass for the common text that
    /// has no `%` at all (path parameters of every request): nil for invalid escapes.
    public var percentDecoded: String? {
        utf8.contains(UInt8(ascii: "%")) ? removingPercentEncoding : self
    }
}
