import Testing

@testable import HubS3

@Suite struct S3BlobStoreTests {
    @Test func smallPartsAreJoinedUntilS3AcceptsThem() {
        #expect(S3BlobStore.groups(of: [3, 3, 3, 3, 1], atLeast: 5) == [[0, 1], [2, 3], [4]])
        #expect(S3BlobStore.groups(of: [8, 8, 2], atLeast: 5) == [[0], [1], [2]])
        #expect(S3BlobStore.groups(of: [1], atLeast: 5) == [[0]])
        #expect(S3BlobStore.groups(of: [], atLeast: 5) == [])
    }

    @Test func partsGrowSoThatTheLargestObjectFitsInTenThousand() {
        #expect(S3BlobStore.partSize(for: 1) == 8 << 20)
        #expect(S3BlobStore.partSize(for: 80 << 30) == 9 << 20)
        let largest: Int64 = 500_000_000_000
        let part = S3BlobStore.partSize(for: largest)
        #expect((largest + part - 1) / part <= 10_000)
        #expect(part % (1 << 20) == 0)
    }
}
