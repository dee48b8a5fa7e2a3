import Foundation
import HubServer
import HubServices
import Testing

/// What `modelhub serve` opens from its configuration, before anything is served.
@Suite struct HubConfiguredTests {
    func s3Configuration(dataDir: URL) throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.dataDir = dataDir.path
        try configuration.apply(environment: [
            "MODELHUB_BLOB_STORE": "s3", "MODELHUB_S3_ENDPOINT": "http://127.0.0.1:9", "MODELHUB_S3_BUCKET": "weights",
        ])
        try configuration.validate()
        return configuration
    }

    @Test func anS3BlobStoreWithoutCredentialsIsRefusedBeforeAnythingIsOpened() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("modelhub-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = try s3Configuration(dataDir: folder)
        let error = await #expect(throws: ConfigurationError.self) {
            _ = try await Hub.open(configuration: configuration, environment: ["AWS_ACCESS_KEY_ID": "key"])
        }
        #expect(error?.description.contains("AWS_SECRET_ACCESS_KEY") == true)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("modelhub.sqlite").path))
    }

    @Test func aBucketNameS3WouldRefuseIsRefusedByName() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("modelhub-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = try s3Configuration(dataDir: folder)
        configuration.s3Bucket = "Not_A_Bucket"
        let error = await #expect(throws: ConfigurationError.self) {
            _ = try await Hub.open(configuration: configuration, environment: ["AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"])
        }
        #expect(error?.description.contains("Not_A_Bucket") == true)
    }
}
