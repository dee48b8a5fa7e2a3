import ArgumentParser
import Foundation
import HubCore
import HubServer
import HubServices

/// `--data-dir` for the admin commands, which open the same folder as a running server.
struct DataDirectoryOption: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Data folder (default: $MODELHUB_DATA_DIR, the config file's dataDir, or ./data).")
    var dataDir: String?

    /// The hub as `modelhub serve` would open it from the same configuration file and
    /// `MODELHUB_*` variables (its data folder, its blob store), for an admin command.
    func openHub() async throws -> Hub {
        let configuration = try resolvedConfiguration()
        do {
            try configuration.validate()
            return try await Hub.open(configuration: configuration, environment: ProcessInfo.processInfo.environment)
        } catch let error as ConfigurationError {
            throw HubError.internalFailure(error.description)
        }
    }

    /// The configuration `modelhub serve` would read (config file, `MODELHUB_*` variables) with
    /// this option's data folder; a bad file or variable is a `HubError` naming it.
    func resolvedConfiguration() throws -> ServerConfiguration {
        do {
            var configuration = try ServerConfiguration.resolve(file: nil, environment: ProcessInfo.processInfo.environment)
            if let dataDir { configuration.dataDir = dataDir }
            return configuration
        } catch let error as ConfigurationError {
            throw HubError.internalFailure(error.description)
        }
    }
}

/// `--token` for the commands that make a token: an administrator-chosen value instead of a random one.
struct TokenValueOption: ParsableArguments {
    @Option(help: "Use this token value (8 to 256 visible ASCII characters) instead of a random one.")
    var token: String?
}

extension DataDirectoryOption {
    /// Runs an admin action on the opened hub: a `HubError` becomes one line on stderr and a
    /// non-zero exit, and the database is closed either way.
    func run(_ action: (Hub) async throws -> Void) async throws {
        do {
            let hub = try await openHub()
            defer { try? hub.close() }
            try await action(hub)
        } catch let error as HubError {
            throw fail(error)
        }
    }
}

/// Prints one line on stderr for `error` (with the detail an operator needs) and returns the exit code.
func fail(_ error: HubError) -> ExitCode {
    var standardError = FileHandle.standardError
    if case .internalFailure(let detail) = error {
        print("error: \(detail)", to: &standardError)
    } else {
        print("error: \(error.message)", to: &standardError)
    }
    return ExitCode(1)
}

extension FileHandle: @retroactive TextOutputStream {
    public func write(_ string: String) {
        write(Data(string.utf8))
    }
}
