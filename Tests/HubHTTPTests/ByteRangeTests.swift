@testable import HubHTTP
import Testing

@Suite struct ByteRangeTests {
    @Test func noHeaderIsWholeFile() {
        #expect(ByteRange(header: nil, size: 10) == .whole)
    }

    @Test func openEndedRange() {
        #expect(ByteRange(header: "bytes=4-", size: 10) == .partial(4...9))
    }

    @Test func closedRangeIsClampedToTheEnd() {
        #expect(ByteRange(header: "bytes=2-100", size: 10) == .partial(2...9))
    }

    @Test func suffixRange() {
        #expect(ByteRange(header: "bytes=-3", size: 10) == .partial(7...9))
        #expect(ByteRange(header: "bytes=-30", size: 10) == .partial(0...9))
    }

    @Test func startPastTheEndIsUnsatisfiable() {
        #expect(ByteRange(header: "bytes=10-", size: 10) == .unsatisfiable)
    }

    @Test func emptySuffixIsUnsatisfiable() {
        #expect(ByteRange(header: "bytes=-0", size: 10) == .unsatisfiable)
    }

    @Test func severalRangesGetTheWholeFile() {
        #expect(ByteRange(header: "bytes=0-1,4-5", size: 10) == .whole)
    }

    @Test func malformedRangeIsIgnored() {
        #expect(ByteRange(header: "bytes=5-2", size: 10) == .whole)
        #expect(ByteRange(header: "items=0-1", size: 10) == .whole)
        #expect(ByteRange(header: "bytes=x-y", size: 10) == .whole)
    }

    @Test func rangesBeyondFourGigabytes() {
        let size: Int64 = 10 << 30
        #expect(ByteRange(header: "bytes=\(size - 1)-", size: size) == .partial((size - 1)...(size - 1)))
    }
}
