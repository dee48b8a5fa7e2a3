import Foundation
import Logging
import Synchronization

/// Log lines as one JSON object each (`logFormat: json`), for a log collector: `time` (ISO 8601,
/// UTC, milliseconds), `level`, `label`, `message`, and every metadata value as its own key
/// (numbers and booleans stay numbers and booleans).
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    let write: @Sendable (Data) -> Void

    /// A handler writing each line to standard error in one `write`, so lines of concurrent
    /// requests never interleave.
    public static func standardError(label: String) -> JSONLogHandler {
        JSONLogHandler(label: label) { line in
            standardErrorLock.withLock { _ in FileHandle.standardError.write(line) }
        }
    }

    private static let standardErrorLock = Mutex<Void>(())

    public init(label: String, write: @escaping @Sendable (Data) -> Void) {
        self.label = label
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(
        level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String, file: String,
        function: String, line: UInt
    ) {
        var object: [String: Any] = [:]
        for (key, value) in metadata.merging(explicit ?? [:], uniquingKeysWith: { _, new in new }) {
            object[key] = Self.json(value)
        }
        object["time"] = Date.now.formatted(Self.time)
        object["level"] = level.rawValue
        object["label"] = label
        object["message"] = message.description
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return }
        data.append(UInt8(ascii: "\n"))
        write(data)
    }

    private static let time = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// A metadata value as what JSONSerialization writes: numbers and booleans as themselves.
    static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text):
            return text
        case .stringConvertible(let convertible):
            switch convertible {
            case let number as Int: return number
            case let number as Int64: return number
            case let number as Double where number.isFinite: return number
            case let flag as Bool: return flag
            default: return convertible.description
            }
        case .dictionary(let dictionary):
            return dictionary.mapValues(json)
        case .array(let array):
            return array.map(json)
        }
    }
}
