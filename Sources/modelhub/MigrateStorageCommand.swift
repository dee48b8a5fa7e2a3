import ArgumentParser
import Foundation
import HubCore
import HubServer

struct MigrateStorageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-storage",
        abstract: "Copy LFS objects and xorbs from the data folder into the configured S3 bucket.",
        discussion: """
            Reads the bucket from the configuration (s3Endpoint, s3Bucket, s3Region, s3Prefix and \
            AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) whatever blobStore says, and copies every \
            object, each checked against its name on the way. It switches nothing: set \
            blobStore to s3 and restart once it has finished. Safe to run while the server runs \
            and to run again.
            """)

    @OptionGroup var data: DataDirectoryOption

    func run() async throws {
        do {
            let report = try await StorageMigration.copyLocalStorage(
                of: try data.resolvedConfiguration(), environment: ProcessInfo.processInfo.environment)
            print(
                "copied \(report.objects) LFS objects (\(report.objectBytes) bytes) and \(report.xorbs) xorbs "
                    + "(\(report.xorbBytes) bytes), each checked; \(report.alreadyThere) were already in the bucket. "
                    + "Nothing was switched: set blobStore to s3 to serve from the bucket.")
        } catch let error as ConfigurationError {
            throw fail(HubError.internalFailure(error.description))
        } catch let error as HubError {
            throw fail(error)
        }
    }
}
