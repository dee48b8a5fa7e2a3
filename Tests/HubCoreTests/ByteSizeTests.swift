import HubCore
import Testing

@Suite struct ByteSizeTests {
    @Test(arguments: [
        ("50GB", Int64(50_000_000_000)), ("50 gb", 50_000_000_000), ("1.5TB", 1_500_000_000_000), ("500MiB", 500 << 20),
        ("1024", 1024), ("0", 0), ("7 B", 7), ("2kib", 2048), (" 3 KB ", 3_000), ("0.5KB", 500), ("1PiB", 1 << 50),
    ])
    func aSizeAsPeopleWriteItIsRead(text: String, bytes: Int64) {
        #expect(ByteSize.parse(text) == bytes)
    }

    @Test(arguments: ["", "GB", "-1GB", "1.2.3GB", ".5GB", "5.GB", "1.5", "10 parsecs", "1e3", "9999999PB", "1 G B", "١٠GB"])
    func whatIsNotASizeIsRefused(text: String) {
        #expect(ByteSize.parse(text) == nil)
    }

    @Test func aSizeIsWrittenInUnitsOfAThousandWithOneDecimal() {
        #expect(ByteSize.describe(999) == "999 bytes")
        #expect(ByteSize.describe(1_000) == "1.0 KB")
        #expect(ByteSize.describe(49_860_000_000) == "49.9 GB")
        #expect(ByteSize.describe(50_000_000_000) == "50.0 GB")
        #expect(ByteSize.describe(Int64.max) == "9223.4 PB")
    }
}
