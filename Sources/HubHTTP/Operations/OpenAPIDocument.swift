import Foundation
import HubCore
import Yams

/// The OpenAPI 3.1 document of the HF-compatible JSON API (`OpenAPI/openapi.yaml`, bundled with
/// this module), served as JSON at `/openapi.json`. Written in YAML so that people can read and
/// review it; converted once, strictly: every mapping key becomes a string (`"200":`, not the
/// number YAML would make of it), and a value JSON cannot hold is an error, never a guess.
public enum OpenAPIDocument {
    /// The document as JSON, or why it could not be read (a fault of the build, which the
    /// document's tests catch).
    public static let json: Result<[UInt8], OpenAPIDocumentError> = load()

    static func load() -> Result<[UInt8], OpenAPIDocumentError> {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
            let data = FileManager.default.contents(atPath: url.path)
        else {
            return .failure(OpenAPIDocumentError(reason: "openapi.yaml is missing from the HubHTTP bundle"))
        }
        do {
            return .success(try json(fromYAML: String(decoding: data, as: UTF8.self)))
        } catch let error as OpenAPIDocumentError {
            return .failure(error)
        } catch {
            return .failure(OpenAPIDocumentError(reason: "openapi.yaml: \(error)"))
        }
    }

    /// `yaml` (one document) as JSON text with sorted keys.
    static func json(fromYAML yaml: String) throws -> [UInt8] {
        guard let root = try Yams.compose(yaml: yaml) else {
            throw OpenAPIDocumentError(reason: "openapi.yaml is empty")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(try value(of: root)))
    }

    static func value(of node: Node) throws -> AnyJSON {
        switch node {
        case .mapping(let mapping):
            var object: [String: AnyJSON] = [:]
            for (key, value) in mapping {
                guard let name = key.scalar?.string else {
                    throw OpenAPIDocumentError(reason: "openapi.yaml line \(key.mark?.line ?? 0): a key must be a scalar")
                }
                object[name] = try self.value(of: value)
            }
            return .object(object)
        case .sequence(let sequence):
            return .array(try sequence.map(value(of:)))
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: return .null
            case .bool: if let flag = node.bool { return .bool(flag) }
            case .int: if let number = node.int { return .number(Double(number)) }
            case .float: if let number = node.float, number.isFinite { return .number(number) }
            case .str: return .string(scalar.string)
            default: break
            }
            throw OpenAPIDocumentError(
                reason: "openapi.yaml line \(node.mark?.line ?? 0): '\(scalar.string)' is not a JSON value")
        case .alias:
            throw OpenAPIDocumentError(reason: "openapi.yaml line \(node.mark?.line ?? 0): aliases are not used")
        }
    }
}

public struct OpenAPIDocumentError: Error, CustomStringConvertible, Sendable {
    public let reason: String
    public var description: String { reason }
}
