import Foundation
import HubCore
import HubServices

/// A JSON value of mixed type, for responses whose set of keys depends on the request.
enum JSONValue: Encodable {
    case string(String)
    case bool(Bool)
    case encodable(any Encodable)
    /// JSON text stored as is (card metadata), decoded so it nests as a value.
    case rawJSON(String)

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .string(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .bool(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .encodable(let value):
            try value.encode(to: encoder)
        case .rawJSON(let text):
            try Self.parsed(text).encode(to: encoder)
        }
    }

    /// Card metadata is the same text answer after answer (and twenty times in a listing page):
    /// parsed once, not on every request.
    private static let parsedTexts = BoundedCache<AnyJSON>(capacity: 8 << 20)

    static func parsed(_ text: String) -> AnyJSON {
        if let hit = parsedTexts.value(for: text) { return hit }
        let value = (try? JSONDecoder().decode(AnyJSON.self, from: Data(text.utf8))) ?? .null
        parsedTexts.store(value, for: text, cost: text.utf8.count + 64)
        return value
    }
}
