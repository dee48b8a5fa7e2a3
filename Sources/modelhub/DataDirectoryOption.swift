import ArgumentParser
import Foundation
import HubCore
import HubServices

/// `--data-dir` for the admin commands, which open the same folder as a running server.
struct DataDirectoryOption: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Data folder (default: $MODELHUB_DATA_DIR or ./data).")
    var dataDir: String?

    func openHub() throws -> Hub {
        let path = dataDir ?? ProcessInfo.processInfo.environment["MODELHUB_DATA_DIR"] ?? "./data"
        return try Hub(dataDirectory: URL(fileURLWithPath: path))
    }
}

/// Runs an admin action: a `HubError` becomes one line on stderr and a non-zero exit.
func runAdmin(_ action: () async throws -> Void) async throws {
    do {
        try await action()
    } catch let error as HubError {
        var standardError = FileHandle.standardError
        print("error: \(error.message)", to: &standardError)
        throw ExitCode(1)
    }
}

extension FileHandle: @retroactive TextOutputStream {
    public func write(_ string: String) {
        write(Data(string.utf8))
    }
}
