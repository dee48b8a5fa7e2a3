import Foundation
import HubServer
import Testing

/// The abuse limits are configuration like every other key: file, environment, and a refusal at
/// start that names the key when a value would disable the protection.
@Suite struct ServerConfigurationTests {
    @Test func limitsHaveDefaultsThatNeverRefuseOneCIMachine() throws {
        let configuration = ServerConfiguration()
        #expect(configuration.idleTimeout == 60)
        #expect(configuration.maxHeaderSize == 65536)
        #expect(configuration.maxHeaderCount == 100)
        #expect(configuration.maxFetchRequestSize == 32 << 20)
        #expect(configuration.maxConcurrentRequestsPerClient >= 32)
        #expect(configuration.maintenanceInterval == 3600)
        try configuration.validate()
    }

    @Test func limitsAreReadFromTheFileAndTheEnvironment() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("modelhub-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(#"{"idleTimeout": 5, "maxHeaderCount": 40, "maxConcurrentRequestsPerClient": 64}"#.utf8).write(to: file)
        var configuration = try ServerConfiguration.load(file: file)
        try configuration.apply(environment: [
            "MODELHUB_MAX_HEADER_SIZE": "8192", "MODELHUB_MAX_FETCH_REQUEST_SIZE": "2097152",
            "MODELHUB_MAX_CONCURRENT_REQUESTS_PER_CLIENT": "48",
        ])
        #expect(configuration.idleTimeout == 5)
        #expect(configuration.maxHeaderCount == 40)
        #expect(configuration.maxHeaderSize == 8192)
        #expect(configuration.maxFetchRequestSize == 2 << 20)
        #expect(configuration.maxConcurrentRequestsPerClient == 48)
        try configuration.validate()
    }

    @Test(arguments: [
        ("idleTimeout", 0), ("maxHeaderSize", 100), ("maxHeaderCount", 2), ("maxFetchRequestSize", 1000),
        ("maxConcurrentRequestsPerClient", 4), ("maintenanceInterval", 0),
    ])
    func aLimitThatWouldBreakRealClientsIsRefusedByName(key: String, value: Int) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("modelhub-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(#"{"\#(key)": \#(value)}"#.utf8).write(to: file)
        let configuration = try ServerConfiguration.load(file: file)
        let error = #expect(throws: ConfigurationError.self) { try configuration.validate() }
        #expect(error?.description.hasPrefix(key) == true)
    }

    /// The defaults are written once, in `ServerConfiguration`; `Config/README.md` documents every
    /// key with that default, and `Config/modelhub.json` only repeats defaults.
    @Test func theDocumentedAndShippedDefaultsAreTheDefaults() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let encoded = try JSONEncoder().encode(ServerConfiguration())
        let defaults = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        let readme = try String(contentsOf: root.appendingPathComponent("Config/README.md"), encoding: .utf8)
        var documented: [String: String] = [:]
        let keyTable = readme.components(separatedBy: "## Fixed limits")[0]
        for line in keyTable.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count > 2 else { continue }
            documented[cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] = cells[2]
        }
        #expect(Set(documented.keys) == Set(defaults.keys).union([
            "publicURL", "databaseURL", "s3Endpoint", "s3Bucket", "signingSecret", "metricsPort", "metricsToken", "upstreamURL",
            "upstreamToken",
        ]))
        for (key, value) in defaults {
            let shown = (value as? String) ?? (value as? Bool).map { $0 ? "true" : "false" } ?? "\(value)"
            if shown.isEmpty {
                #expect(documented[key] == "empty", "Config/README.md: \(key) defaults to empty")
            } else {
                #expect(documented[key]?.hasPrefix("`\(shown)`") == true, "Config/README.md: \(key) defaults to \(shown)")
            }
        }
        let shipped = try Data(contentsOf: root.appendingPathComponent("Config/modelhub.json"))
        let file = try #require(try JSONSerialization.jsonObject(with: shipped) as? [String: Any])
        for (key, value) in file {
            #expect("\(value)" == "\(defaults[key] ?? "missing")", "Config/modelhub.json: \(key)")
        }
        _ = try ServerConfiguration.load(file: root.appendingPathComponent("Config/modelhub.json"))
    }

    /// The S3 blob store's keys, from the environment the push hook and the admin commands get.
    @Test func theS3BlobStoreIsConfiguredFromTheEnvironment() throws {
        var configuration = ServerConfiguration()
        try configuration.apply(environment: [
            "MODELHUB_BLOB_STORE": "s3", "MODELHUB_S3_ENDPOINT": "http://127.0.0.1:8333", "MODELHUB_S3_BUCKET": "weights",
            "MODELHUB_S3_REGION": "eu-west-1", "MODELHUB_S3_PREFIX": "hub/", "MODELHUB_S3_PRESIGNED_DOWNLOADS": "false",
        ])
        try configuration.validate()
        #expect(configuration.s3Bucket == "weights" && configuration.s3Region == "eu-west-1")
        #expect(configuration.s3PresignedDownloads == false)
        var again = ServerConfiguration()
        try again.apply(environment: configuration.storageEnvironment)
        #expect(again == configuration)
    }

    @Test(arguments: [
        (["MODELHUB_BLOB_STORE": "ftp"], "blobStore must be local or s3"),
        (["MODELHUB_BLOB_STORE": "s3", "MODELHUB_S3_BUCKET": "b"], "blobStore s3 needs s3Endpoint"),
        (["MODELHUB_BLOB_STORE": "s3", "MODELHUB_S3_ENDPOINT": "127.0.0.1:8333", "MODELHUB_S3_BUCKET": "b"],
         "blobStore s3 needs s3Endpoint"),
        (["MODELHUB_BLOB_STORE": "s3", "MODELHUB_S3_ENDPOINT": "http://s3"], "blobStore s3 needs s3Bucket"),
        (["MODELHUB_BLOB_STORE": "s3", "MODELHUB_S3_ENDPOINT": "http://s3", "MODELHUB_S3_BUCKET": "b",
          "MODELHUB_S3_PREFIX": "/abs/"], "s3Prefix must be empty or a folder"),
        (["MODELHUB_BLOB_STORE": "s3", "MODELHUB_S3_ENDPOINT": "http://s3", "MODELHUB_S3_BUCKET": "b",
          "MODELHUB_S3_PREFIX": "no-slash"], "s3Prefix must be empty or a folder"),
        (["MODELHUB_BLOB_STORE": "s3", "MODELHUB_S3_ENDPOINT": "http://s3", "MODELHUB_S3_BUCKET": "b",
          "MODELHUB_S3_REGION": "eu west"], "s3Region must be a region name"),
    ])
    func aBadS3SettingIsRefusedByName(environment: [String: String], message: String) throws {
        var configuration = ServerConfiguration()
        try configuration.apply(environment: environment)
        let error = #expect(throws: ConfigurationError.self) { try configuration.validate() }
        #expect(error?.description.hasPrefix(message) == true, "\(error?.description ?? "")")
    }

    @Test(arguments: [
        (["MODELHUB_LOG_FORMAT": "xml"], "logFormat must be text or json"),
        (["MODELHUB_METRICS_PORT": "70000"], "metricsPort must be 0 to 65535"),
        (["MODELHUB_METRICS_PORT": "9100", "MODELHUB_METRICS_HOST": ""], "metricsHost cannot be empty"),
        (["MODELHUB_METRICS_TOKEN": "short"], "MODELHUB_METRICS_TOKEN must be at least 16 characters"),
    ])
    func aBadOperationsSettingIsRefusedByName(environment: [String: String], message: String) throws {
        var configuration = ServerConfiguration()
        try configuration.apply(environment: environment)
        let error = #expect(throws: ConfigurationError.self) { try configuration.validate() }
        #expect(error?.description.hasPrefix(message) == true, "\(error?.description ?? "")")
    }

    @Test(arguments: [
        (["MODELHUB_UPSTREAM_URL": "huggingface.co"], "upstreamURL must be an http(s) URL"),
        (["MODELHUB_UPSTREAM_URL": "ftp://hub.example"], "upstreamURL must be an http(s) URL"),
        (["MODELHUB_UPSTREAM_URL": "https://hub.example/?x=1"], "upstreamURL must be an http(s) URL"),
        (["MODELHUB_UPSTREAM_URL": "https://huggingface.co", "MODELHUB_UPSTREAM_METADATA_TTL": "-1"],
         "upstreamMetadataTTL must be 0 or more"),
        (["MODELHUB_UPSTREAM_TOKEN": "hf_token"], "MODELHUB_UPSTREAM_TOKEN is set but upstreamURL is not"),
    ])
    func aBadMirrorSettingIsRefusedByName(environment: [String: String], message: String) throws {
        var configuration = ServerConfiguration()
        try configuration.apply(environment: environment)
        let error = #expect(throws: ConfigurationError.self) { try configuration.validate() }
        #expect(error?.description.hasPrefix(message) == true, "\(error?.description ?? "")")
    }

    @Test func aSigningSecretShorterThan32CharactersIsRefused() throws {
        var configuration = ServerConfiguration()
        try configuration.apply(environment: ["MODELHUB_SIGNING_SECRET": "short"])
        let error = #expect(throws: ConfigurationError.self) { try configuration.validate() }
        #expect(error?.description.hasPrefix("MODELHUB_SIGNING_SECRET") == true)
        try configuration.apply(environment: ["MODELHUB_SIGNING_SECRET": String(repeating: "k", count: 32)])
        try configuration.validate()
    }

    @Test func aPresignedDownloadsFlagThatIsNotABooleanIsRefused() {
        var configuration = ServerConfiguration()
        #expect(throws: ConfigurationError.self) {
            try configuration.apply(environment: ["MODELHUB_S3_PRESIGNED_DOWNLOADS": "yes"])
        }
    }

    @Test func aPostgreSQLDatabaseURLTravelsToTheHookAndAnEmptyOneMeansSQLite() throws {
        var configuration = ServerConfiguration()
        try configuration.apply(environment: ["MODELHUB_DATABASE_URL": "postgres://hub:secret@db.internal:5432/modelhub"])
        try configuration.validate()
        #expect(configuration.storageEnvironment["MODELHUB_DATABASE_URL"] == "postgres://hub:secret@db.internal:5432/modelhub")
        var again = ServerConfiguration()
        try again.apply(environment: configuration.storageEnvironment)
        #expect(again == configuration)
        try configuration.apply(environment: ["MODELHUB_DATABASE_URL": ""])
        #expect(configuration.databaseURL == nil && configuration.storageEnvironment["MODELHUB_DATABASE_URL"] == nil)
    }

    @Test(arguments: [
        ("mysql://hub@db/modelhub", "databaseURL: the database URL must look like postgres://"),
        ("postgres://db.internal/modelhub", "databaseURL: the database URL names no user"),
        ("postgres://hub:secret@db.internal", "databaseURL: the database URL names no database"),
        ("postgres://hub:secret@db.internal/modelhub?sslmode=sometimes", "databaseURL: sslmode must be"),
    ])
    func aBadDatabaseURLIsRefusedWithoutItsPassword(url: String, message: String) throws {
        var configuration = ServerConfiguration()
        try configuration.apply(environment: ["MODELHUB_DATABASE_URL": url])
        let error = #expect(throws: ConfigurationError.self) { try configuration.validate() }
        #expect(error?.description.hasPrefix(message) == true, "\(error?.description ?? "")")
        #expect(error?.description.contains("secret") == false)
    }
}
