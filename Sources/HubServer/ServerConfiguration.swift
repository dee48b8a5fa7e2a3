import Foundation
import HubCore
import HubPostgres

/// Everything `modelhub serve` can be told, resolved once at start and passed down as values.
///
/// Precedence: command-line flags > `MODELHUB_*` environment variables > the JSON config file >
/// these defaults. Every key is documented in `Config/README.md`.
public struct ServerConfiguration: Sendable, Equatable, Codable {
    /// Address to listen on.
    public var host: String = "127.0.0.1"
    /// Port to listen on; 0 picks a free one.
    public var port: Int = 8080
    /// Folder holding the database, the repositories and everything else the hub stores.
    public var dataDir: String = "./data"
    /// The URL clients use to reach the hub (`http://hub.example:8080`), for links the hub returns.
    /// When absent, links are built from each request's `Host` header.
    public var publicURL: String?
    /// Files larger than this (in bytes) must be pushed with Git LFS.
    public var maxGitFileSize: Int = 10 * 1024 * 1024
    /// The largest Git LFS object accepted, in bytes (the public hub's limit: 500 GB).
    public var maxLFSObjectSize: Int64 = 500_000_000_000
    /// LFS objects larger than this are uploaded in parts of this size by clients that offer the
    /// multipart transfer (huggingface_hub).
    public var lfsMultipartChunkSize: Int64 = 64 << 20
    /// trace, debug, info, notice, warning, error or critical.
    public var logLevel: String = "info"
    /// `text` (one readable line per event, for a terminal) or `json` (one JSON object per line,
    /// for a log collector, with a line per request at info level).
    public var logFormat: String = "text"
    /// A port on which a second listener serves `/metrics` to anyone who reaches it, and the
    /// health checks; unset for none. Bind it where only the metrics collector can reach it.
    public var metricsPort: Int?
    /// The address of that listener.
    public var metricsHost: String = "127.0.0.1"
    /// Whether anyone may create an account in the web UI (`/join`). Off: operators create users.
    public var allowSignUp: Bool = false
    /// Seconds a connection may sit without completing a request's headers, or between two reads
    /// of a request body; headers trickled in a byte at a time are cut off after this.
    public var idleTimeout: Int = 60
    /// The largest request head (all header lines together, and any one of them), in bytes.
    public var maxHeaderSize: Int = 64 << 10
    /// The most header lines one request may have.
    public var maxHeaderCount: Int = 100
    /// The largest `git-upload-pack` request body (a fetch's wants and haves), after gunzipping.
    public var maxFetchRequestSize: Int = 32 << 20
    /// Requests one client (a token, or an address for anonymous callers) may have in flight.
    public var maxConcurrentRequestsPerClient: Int = 256
    /// Seconds between two runs of the repairs start-up makes (abandoned uploads and push
    /// quarantines swept, branch heads the index missed read again), for servers that run for weeks.
    public var maintenanceInterval: Int = 3600
    /// The index's database: unset for the embedded SQLite file in the data folder, or
    /// `postgres://user:password@host:5432/database` (`?sslmode=disable|prefer|require`) for
    /// PostgreSQL, which several instances can share.
    public var databaseURL: String?
    /// Where LFS objects are kept: `local` (under the data folder) or `s3` (a bucket of any
    /// S3-compatible service; credentials from `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`).
    public var blobStore: String = "local"
    /// The S3 service's URL (`https://s3.us-east-1.amazonaws.com`, `http://127.0.0.1:8333`).
    public var s3Endpoint: String?
    /// The bucket that holds the objects (it must exist).
    public var s3Bucket: String?
    /// The region requests are signed for.
    public var s3Region: String = "us-east-1"
    /// A folder inside the bucket for this hub's keys (`hub/`), so that hubs can share a bucket.
    public var s3Prefix: String = ""
    /// Whether LFS downloads are answered with a redirect to a short-lived presigned S3 URL (true)
    /// or streamed through the hub (false, for buckets clients cannot reach).
    public var s3PresignedDownloads: Bool = true
    /// Another hub (the public one, `https://huggingface.co`, or another modelhub) whose
    /// repositories this one serves as read-only mirrors when it has none of that name: a
    /// pull-through cache. Unset: no mirroring.
    public var upstreamURL: String?
    /// Seconds a mirrored repository's branches and files are served before upstream is asked
    /// again; file contents are kept for good (they are named by their SHA-256).
    public var upstreamMetadataTTL: Int = 600
    /// The hosts webhooks may be sent to (`ci.example.com`, `127.0.0.1:9000`, `*.example.com`);
    /// empty: no webhook can be created. Keeps users from aiming the hub at internal services.
    public var webhookAllowedHosts: [String] = []

    /// The secret that signs LFS transfer URLs and Xet tokens, at least 32 characters; set the
    /// same one on every instance behind a load balancer. When absent, `data/secret.key` (made
    /// on first start) is used. Only from the environment (`MODELHUB_SIGNING_SECRET`), never from
    /// the config file, so it is not committed with it.
    public var signingSecret: String?
    /// The bearer token that reads `/metrics` on the public listener (at least 16 characters);
    /// unset, `/metrics` is not served there. Only from the environment (`MODELHUB_METRICS_TOKEN`).
    public var metricsToken: String?
    /// The token sent to the upstream hub (its private repositories become readable to this
    /// hub's signed-in users). Only from the environment (`MODELHUB_UPSTREAM_TOKEN`).
    public var upstreamToken: String?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case host, port, dataDir, publicURL, maxGitFileSize, maxLFSObjectSize, lfsMultipartChunkSize, logLevel, allowSignUp
        case idleTimeout, maxHeaderSize, maxHeaderCount, maxFetchRequestSize, maxConcurrentRequestsPerClient
        case maintenanceInterval, logFormat, metricsPort, metricsHost
        case databaseURL, blobStore, s3Endpoint, s3Bucket, s3Region, s3Prefix, s3PresignedDownloads
        case upstreamURL, upstreamMetadataTTL, webhookAllowedHosts
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ServerConfiguration()
        host = try container.decodeIfPresent(String.self, forKey: .host) ?? defaults.host
        port = try container.decodeIfPresent(Int.self, forKey: .port) ?? defaults.port
        dataDir = try container.decodeIfPresent(String.self, forKey: .dataDir) ?? defaults.dataDir
        publicURL = try container.decodeIfPresent(String.self, forKey: .publicURL)
        maxGitFileSize = try container.decodeIfPresent(Int.self, forKey: .maxGitFileSize) ?? defaults.maxGitFileSize
        maxLFSObjectSize =
            try container.decodeIfPresent(Int64.self, forKey: .maxLFSObjectSize) ?? defaults.maxLFSObjectSize
        lfsMultipartChunkSize =
            try container.decodeIfPresent(Int64.self, forKey: .lfsMultipartChunkSize) ?? defaults.lfsMultipartChunkSize
        logLevel = try container.decodeIfPresent(String.self, forKey: .logLevel) ?? defaults.logLevel
        logFormat = try container.decodeIfPresent(String.self, forKey: .logFormat) ?? defaults.logFormat
        metricsPort = try container.decodeIfPresent(Int.self, forKey: .metricsPort)
        metricsHost = try container.decodeIfPresent(String.self, forKey: .metricsHost) ?? defaults.metricsHost
        allowSignUp = try container.decodeIfPresent(Bool.self, forKey: .allowSignUp) ?? defaults.allowSignUp
        idleTimeout = try container.decodeIfPresent(Int.self, forKey: .idleTimeout) ?? defaults.idleTimeout
        maxHeaderSize = try container.decodeIfPresent(Int.self, forKey: .maxHeaderSize) ?? defaults.maxHeaderSize
        maxHeaderCount = try container.decodeIfPresent(Int.self, forKey: .maxHeaderCount) ?? defaults.maxHeaderCount
        maxFetchRequestSize =
            try container.decodeIfPresent(Int.self, forKey: .maxFetchRequestSize) ?? defaults.maxFetchRequestSize
        maxConcurrentRequestsPerClient =
            try container.decodeIfPresent(Int.self, forKey: .maxConcurrentRequestsPerClient)
            ?? defaults.maxConcurrentRequestsPerClient
        maintenanceInterval =
            try container.decodeIfPresent(Int.self, forKey: .maintenanceInterval) ?? defaults.maintenanceInterval
        databaseURL = try container.decodeIfPresent(String.self, forKey: .databaseURL)
        blobStore = try container.decodeIfPresent(String.self, forKey: .blobStore) ?? defaults.blobStore
        s3Endpoint = try container.decodeIfPresent(String.self, forKey: .s3Endpoint)
        s3Bucket = try container.decodeIfPresent(String.self, forKey: .s3Bucket)
        s3Region = try container.decodeIfPresent(String.self, forKey: .s3Region) ?? defaults.s3Region
        s3Prefix = try container.decodeIfPresent(String.self, forKey: .s3Prefix) ?? defaults.s3Prefix
        s3PresignedDownloads =
            try container.decodeIfPresent(Bool.self, forKey: .s3PresignedDownloads) ?? defaults.s3PresignedDownloads
        upstreamURL = try container.decodeIfPresent(String.self, forKey: .upstreamURL)
        upstreamMetadataTTL =
            try container.decodeIfPresent(Int.self, forKey: .upstreamMetadataTTL) ?? defaults.upstreamMetadataTTL
        webhookAllowedHosts =
            try container.decodeIfPresent([String].self, forKey: .webhookAllowedHosts) ?? defaults.webhookAllowedHosts
    }

    /// Reads a JSON config file. Unknown keys and values of the wrong type are errors that name the key.
    public static func load(file: URL) throws -> ServerConfiguration {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw ConfigurationError("cannot read config file \(file.path)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ConfigurationError("config file \(file.path) is not a JSON object")
        }
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw ConfigurationError(
                "config file \(file.path): unknown key '\(unknown)' (known keys: \(known.sorted().joined(separator: ", ")))")
        }
        do {
            return try JSONDecoder().decode(ServerConfiguration.self, from: data)
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ConfigurationError("config file \(file.path): key '\(key)' has a value of the wrong type")
        }
    }

    /// The configuration file (`file`, else `$MODELHUB_CONFIG`, else `Config/modelhub.json` when it
    /// exists) with the `MODELHUB_*` variables of `environment` applied; not yet validated.
    public static func resolve(file: String?, environment: [String: String]) throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        let defaultFile = URL(fileURLWithPath: "Config/modelhub.json")
        if let file = file ?? environment["MODELHUB_CONFIG"] {
            configuration = try ServerConfiguration.load(file: URL(fileURLWithPath: file))
        } else if FileManager.default.fileExists(atPath: defaultFile.path) {
            configuration = try ServerConfiguration.load(file: defaultFile)
        }
        try configuration.apply(environment: environment)
        return configuration
    }

    /// Applies the `MODELHUB_*` variables that are set.
    public mutating func apply(environment: [String: String]) throws {
        if let value = environment["MODELHUB_HOST"] { host = value }
        if let value = environment["MODELHUB_PORT"] { port = try Self.integer(value, name: "MODELHUB_PORT") }
        if let value = environment["MODELHUB_DATA_DIR"] { dataDir = value }
        if let value = environment["MODELHUB_PUBLIC_URL"] { publicURL = value }
        if let value = environment["MODELHUB_MAX_GIT_FILE_SIZE"] {
            maxGitFileSize = try Self.integer(value, name: "MODELHUB_MAX_GIT_FILE_SIZE")
        }
        if let value = environment["MODELHUB_MAX_LFS_OBJECT_SIZE"] {
            maxLFSObjectSize = Int64(try Self.integer(value, name: "MODELHUB_MAX_LFS_OBJECT_SIZE"))
        }
        if let value = environment["MODELHUB_LFS_MULTIPART_CHUNK_SIZE"] {
            lfsMultipartChunkSize = Int64(try Self.integer(value, name: "MODELHUB_LFS_MULTIPART_CHUNK_SIZE"))
        }
        if let value = environment["MODELHUB_LOG_LEVEL"] { logLevel = value }
        if let value = environment["MODELHUB_LOG_FORMAT"] { logFormat = value }
        if let value = environment["MODELHUB_METRICS_PORT"] {
            metricsPort = value.isEmpty ? nil : try Self.integer(value, name: "MODELHUB_METRICS_PORT")
        }
        if let value = environment["MODELHUB_METRICS_HOST"] { metricsHost = value }
        if let value = environment["MODELHUB_METRICS_TOKEN"] { metricsToken = value.isEmpty ? nil : value }
        if let value = environment["MODELHUB_UPSTREAM_URL"] { upstreamURL = value.isEmpty ? nil : value }
        if let value = environment["MODELHUB_UPSTREAM_TOKEN"] { upstreamToken = value.isEmpty ? nil : value }
        if let value = environment["MODELHUB_WEBHOOK_ALLOWED_HOSTS"] {
            webhookAllowedHosts = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if let value = environment["MODELHUB_UPSTREAM_METADATA_TTL"] {
            upstreamMetadataTTL = try Self.integer(value, name: "MODELHUB_UPSTREAM_METADATA_TTL")
        }
        if let value = environment["MODELHUB_IDLE_TIMEOUT"] { idleTimeout = try Self.integer(value, name: "MODELHUB_IDLE_TIMEOUT") }
        if let value = environment["MODELHUB_MAX_HEADER_SIZE"] {
            maxHeaderSize = try Self.integer(value, name: "MODELHUB_MAX_HEADER_SIZE")
        }
        if let value = environment["MODELHUB_MAX_HEADER_COUNT"] {
            maxHeaderCount = try Self.integer(value, name: "MODELHUB_MAX_HEADER_COUNT")
        }
        if let value = environment["MODELHUB_MAX_FETCH_REQUEST_SIZE"] {
            maxFetchRequestSize = try Self.integer(value, name: "MODELHUB_MAX_FETCH_REQUEST_SIZE")
        }
        if let value = environment["MODELHUB_MAX_CONCURRENT_REQUESTS_PER_CLIENT"] {
            maxConcurrentRequestsPerClient = try Self.integer(value, name: "MODELHUB_MAX_CONCURRENT_REQUESTS_PER_CLIENT")
        }
        if let value = environment["MODELHUB_MAINTENANCE_INTERVAL"] {
            maintenanceInterval = try Self.integer(value, name: "MODELHUB_MAINTENANCE_INTERVAL")
        }
        if let value = environment["MODELHUB_ALLOW_SIGN_UP"] {
            allowSignUp = try Self.flag(value, name: "MODELHUB_ALLOW_SIGN_UP")
        }
        if let value = environment["MODELHUB_SIGNING_SECRET"] { signingSecret = value }
        if let value = environment["MODELHUB_DATABASE_URL"] { databaseURL = value.isEmpty ? nil : value }
        if let value = environment["MODELHUB_BLOB_STORE"] { blobStore = value }
        if let value = environment["MODELHUB_S3_ENDPOINT"] { s3Endpoint = value }
        if let value = environment["MODELHUB_S3_BUCKET"] { s3Bucket = value }
        if let value = environment["MODELHUB_S3_REGION"] { s3Region = value }
        if let value = environment["MODELHUB_S3_PREFIX"] { s3Prefix = value }
        if let value = environment["MODELHUB_S3_PRESIGNED_DOWNLOADS"] {
            s3PresignedDownloads = try Self.flag(value, name: "MODELHUB_S3_PRESIGNED_DOWNLOADS")
        }
    }

    /// The variables that make another process (the push hook, an admin command) open the same
    /// stores as this configuration. Passed in the environment of the git it starts, never
    /// written to disk (the database URL may hold a password).
    public var storageEnvironment: [String: String] {
        var variables = ["MODELHUB_BLOB_STORE": blobStore]
        variables["MODELHUB_DATABASE_URL"] = databaseURL
        guard blobStore == "s3" else { return variables }
        variables["MODELHUB_S3_ENDPOINT"] = s3Endpoint
        variables["MODELHUB_S3_BUCKET"] = s3Bucket
        variables["MODELHUB_S3_REGION"] = s3Region
        variables["MODELHUB_S3_PREFIX"] = s3Prefix
        variables["MODELHUB_S3_PRESIGNED_DOWNLOADS"] = String(s3PresignedDownloads)
        return variables
    }

    /// Checks every value; the first bad one is reported by name.
    public func validate() throws {
        guard (0...65535).contains(port) else { throw ConfigurationError("port must be 0 to 65535, not \(port)") }
        guard !host.isEmpty else { throw ConfigurationError("host cannot be empty") }
        guard !dataDir.isEmpty else { throw ConfigurationError("dataDir cannot be empty") }
        guard maxGitFileSize > 0 else { throw ConfigurationError("maxGitFileSize must be positive") }
        guard maxLFSObjectSize > 0 else { throw ConfigurationError("maxLFSObjectSize must be positive") }
        guard lfsMultipartChunkSize >= 1 << 20 else {
            throw ConfigurationError("lfsMultipartChunkSize must be at least 1048576 (1 MiB)")
        }
        guard idleTimeout >= 1 else { throw ConfigurationError("idleTimeout must be at least 1 (second)") }
        guard maxHeaderSize >= 4096 else { throw ConfigurationError("maxHeaderSize must be at least 4096") }
        guard maxHeaderCount >= 16 else { throw ConfigurationError("maxHeaderCount must be at least 16") }
        guard maxFetchRequestSize >= 1 << 20 else {
            throw ConfigurationError("maxFetchRequestSize must be at least 1048576 (1 MiB)")
        }
        guard maxConcurrentRequestsPerClient >= 32 else {
            throw ConfigurationError("maxConcurrentRequestsPerClient must be at least 32")
        }
        guard maintenanceInterval >= 1 else { throw ConfigurationError("maintenanceInterval must be at least 1 (second)") }
        let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        guard levels.contains(logLevel) else {
            throw ConfigurationError("logLevel must be one of \(levels.joined(separator: ", ")), not '\(logLevel)'")
        }
        guard ["text", "json"].contains(logFormat) else {
            throw ConfigurationError("logFormat must be text or json, not '\(logFormat)'")
        }
        if let metricsPort {
            guard (0...65535).contains(metricsPort) else {
                throw ConfigurationError("metricsPort must be 0 to 65535, not \(metricsPort)")
            }
            guard !metricsHost.isEmpty else { throw ConfigurationError("metricsHost cannot be empty") }
        }
        if let metricsToken, metricsToken.utf8.count < 16 {
            throw ConfigurationError("MODELHUB_METRICS_TOKEN must be at least 16 characters")
        }
        if let signingSecret, signingSecret.utf8.count < 32 {
            throw ConfigurationError("MODELHUB_SIGNING_SECRET must be at least 32 characters")
        }
        if let databaseURL {
            do {
                _ = try PostgresIndex.configuration(url: databaseURL)
            } catch HubError.badRequest(let message) {
                throw ConfigurationError("databaseURL: \(message)")
            }
        }
        guard ["local", "s3"].contains(blobStore) else {
            throw ConfigurationError("blobStore must be local or s3, not '\(blobStore)'")
        }
        if blobStore == "s3" {
            guard let s3Endpoint, let url = URL(string: s3Endpoint), ["http", "https"].contains(url.scheme ?? ""),
                url.host != nil
            else {
                throw ConfigurationError("blobStore s3 needs s3Endpoint, an http(s) URL (MODELHUB_S3_ENDPOINT)")
            }
            guard let s3Bucket, !s3Bucket.isEmpty else {
                throw ConfigurationError("blobStore s3 needs s3Bucket (MODELHUB_S3_BUCKET)")
            }
            guard !s3Region.isEmpty, s3Region.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") }) else {
                throw ConfigurationError("s3Region must be a region name like us-east-1, not '\(s3Region)'")
            }
            let prefixCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./")
            guard s3Prefix.isEmpty || (s3Prefix.hasSuffix("/") && !s3Prefix.hasPrefix("/") && s3Prefix.allSatisfy(prefixCharacters.contains)) else {
                throw ConfigurationError("s3Prefix must be empty or a folder like 'hub/' (letters, digits, - _ . /), not '\(s3Prefix)'")
            }
        }
        if let publicURL {
            guard let url = URL(string: publicURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ConfigurationError("publicURL must be an http(s) URL, not '\(publicURL)'")
            }
        }
        if let upstreamURL {
            guard let url = URL(string: upstreamURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil,
                url.query == nil
            else {
                throw ConfigurationError("upstreamURL must be an http(s) URL like https://huggingface.co, not '\(upstreamURL)'")
            }
        }
        for host in webhookAllowedHosts {
            let name = host.hasPrefix("*.") ? String(host.dropFirst(2)) : host
            guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "@") })
            else {
                throw ConfigurationError("webhookAllowedHosts holds host names (host, host:port or *.domain), not '\(host)'")
            }
        }
        guard upstreamMetadataTTL >= 0 else { throw ConfigurationError("upstreamMetadataTTL must be 0 or more (seconds)") }
        if upstreamToken != nil, upstreamURL == nil {
            throw ConfigurationError("MODELHUB_UPSTREAM_TOKEN is set but upstreamURL is not")
        }
    }

    private static func flag(_ text: String, name: String) throws -> Bool {
        guard let flag = ["true": true, "false": false, "1": true, "0": false][text] else {
            throw ConfigurationError("\(name) must be true or false, not '\(text)'")
        }
        return flag
    }

    private static func integer(_ text: String, name: String) throws -> Int {
        guard let value = Int(text) else { throw ConfigurationError("\(name) must be a whole number, not '\(text)'") }
        return value
    }
}

/// A configuration problem, told in one line that names the key.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
