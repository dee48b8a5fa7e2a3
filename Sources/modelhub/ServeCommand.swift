import ArgumentParser
import CMallocTuning
import Foundation
import Hummingbird
import HubCore
import HubHTTP
import HubServer
import HubServices
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the hub on an embedded SQLite database and a data folder.")

    @Option(help: "Address to listen on (default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on; 0 picks a free one (default 8080).") var port: Int?
    @Option(name: .customLong("data-dir"), help: "Data folder (default ./data).") var dataDir: String?
    @Option(help: "JSON configuration file (default: Config/modelhub.json when it exists).") var config: String?
    @Option(name: .customLong("public-url"), help: "The URL clients use to reach the hub.") var publicURL: String?

    func run() async throws {
        let configuration = try resolvedConfiguration()
        Self.keepLargeBuffersOutOfTheHeap()
        Self.raiseOpenFileLimit()
        if configuration.logFormat == "json" {
            LoggingSystem.bootstrap(JSONLogHandler.standardError)
        }
        var logger = Logger(label: "modelhub")
        logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
        var indexLogger = Logger(label: "modelhub.postgres")
        indexLogger.logLevel = logger.logLevel

        let metrics = HubMetrics()
        let hub: Hub
        do {
            hub = try await Hub.open(
                configuration: configuration, environment: ProcessInfo.processInfo.environment,
                pushPolicy: PushHook(
                    executable: try Self.executableURL(), maxFileSize: configuration.maxGitFileSize,
                    environment: configuration.storageEnvironment),
                indexLogger: indexLogger, onDatabaseWait: metrics.recordDatabaseWait)
        } catch let error as HubError {
            throw fail(error)
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        let reconciled = try await hub.repos.reconcileStorage()
        if reconciled.moved > 0 { logger.warning("moved \(reconciled.moved) repositories back to where the index has them") }
        if reconciled.removed > 0 {
            logger.warning("removed \(reconciled.removed) repository folders whose delete or create a crash interrupted")
        }
        try await Self.maintain(hub, logger: logger)
        let app = buildApplication(
            hub: hub, configuration: configuration, logger: logger, metrics: metrics,
            onServerRunning: { host, port in
                // Unbuffered: scripts and tests wait for this line to know the port.
                FileHandle.standardOutput.write(Data("modelhub listening on http://\(host):\(port)\n".utf8))
            },
            onMetricsServerRunning: { host, port in
                FileHandle.standardOutput.write(Data("modelhub metrics listening on http://\(host):\(port)\n".utf8))
            })
        // runService handles SIGTERM and SIGINT: the server stops accepting, in-flight requests
        // finish, and then the database is closed. Maintenance runs beside it until then.
        let maintenanceLogger = logger
        let interval = configuration.maintenanceInterval
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                while true {
                    do { try await Task.sleep(for: .seconds(interval)) } catch { return }
                    do {
                        try await Self.maintain(hub, logger: maintenanceLogger)
                    } catch {
                        maintenanceLogger.error("maintenance failed: \(String(reflecting: error))")
                    }
                }
            }
            group.addTask {
                // Webhook payloads: sent within about a second of the change that queued them.
                while true {
                    do { try await Task.sleep(for: .seconds(1)) } catch { return }
                    do {
                        while try await hub.webhooks.deliverDue() > 0 {}
                    } catch {
                        maintenanceLogger.error("webhook delivery failed: \(String(reflecting: error))")
                    }
                }
            }
            try await app.runService()
            group.cancelAll()
        }
        await hub.stopMaintenance()
        try await hub.counters.downloads.flush()
        try hub.close()
    }

    /// What start-up repairs, and what a long-running server repairs again every
    /// `maintenanceInterval`: abandoned multipart parts (after a day) and push quarantines (after
    /// an hour) swept, what other hubs on the data folder left in `tmp/` when they died removed,
    /// and the branch head read again wherever the index is behind git.
    static func maintain(_ hub: Hub, logger: Logger) async throws {
        try await hub.lfs.sweepAbandonedUploads()
        let abandoned = try ScratchArea.sweepAbandoned(in: hub.dataDirectory)
        if abandoned > 0 { logger.warning("removed \(abandoned) entries of tmp/ that stopped hubs left behind") }
        let repaired = try await hub.repos.repairAfterCrash()
        if repaired.heads > 0 { logger.warning("read the branch head again for \(repaired.heads) repositories the index had behind git") }
        if repaired.pushes > 0 { logger.warning("removed \(repaired.pushes) folders that interrupted pushes left behind") }
        if !repaired.unreadable.isEmpty {
            let named = repaired.unreadable.prefix(5).map(\.path).joined(separator: ", ")
            logger.error(
                "\(repaired.unreadable.count) repositories in the index cannot be read from disk (\(named)\(repaired.unreadable.count > 5 ? ", …" : "")); they answer errors until restored")
        }
    }

    /// Flags > `MODELHUB_*` environment > config file > defaults.
    func resolvedConfiguration() throws -> ServerConfiguration {
        do {
            var configuration = try ServerConfiguration.resolve(file: config, environment: ProcessInfo.processInfo.environment)
            if let host { configuration.host = host }
            if let port { configuration.port = port }
            if let dataDir { configuration.dataDir = dataDir }
            if let publicURL { configuration.publicURL = publicURL }
            try configuration.validate()
            return configuration
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
    }

    /// Downloads move 1 MiB buffers. glibc raises its mmap threshold the first time such a buffer
    /// is freed, after which they come from the heap and freed ones stay resident: 16 concurrent
    /// 1 GiB downloads then held 1.2 GB of RSS. A fixed threshold keeps them mmap'd and returned
    /// on free (measured: 79 MB peak). See Tests/Benchmarks/lfs_transfer.py.
    static func keepLargeBuffersOutOfTheHeap() {
        _ = modelhub_fix_mmap_threshold(128 * 1024)
    }

    /// Every connection, open blob and git pipe is a file descriptor. Distributions start
    /// processes at a soft limit of 1,024 while allowing far more (the hard limit): 1,000 slow
    /// clients would otherwise leave nothing for anyone else. Servers raise the soft limit to the
    /// hard one, as nginx's worker_rlimit_nofile and Go's runtime do.
    static func raiseOpenFileLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    /// This binary's own path: the pre-receive hook runs it.
    static func executableURL() throws -> URL {
        let path = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        return URL(fileURLWithPath: path)
    }
}
