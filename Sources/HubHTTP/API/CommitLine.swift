import Foundation
import HubCore

/// One line of the NDJSON commit body, as huggingface_hub's `_prepare_commit_payload` writes it:
/// `{"key": "header" | "file" | "lfsFile" | "deletedFile" | "deletedFolder", "value": {…}}`.
/// Parsing checks everything that can be checked without the repository, so a bad line is a 400
/// before any of it is written.
enum CommitLine: Equatable {
    case header(summary: String, description: String, parentCommit: String?)
    case file(path: String, contents: [UInt8])
    case lfsFile(path: String, oid: String, size: Int64?)
    case deletedFile(path: String)
    case deletedFolder(path: String)

    /// The fields any line's `value` may carry. Each is read leniently (a field of another type
    /// counts as absent), as the public hub does: the operation then says what it misses.
    private struct Fields: Decodable {
        var path, content, encoding, oid, algo, summary, description, parentCommit: String?
        var size: Int64?

        enum CodingKeys: String, CodingKey {
            case path, content, encoding, oid, algo, summary, description, parentCommit, size
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            func text(_ key: CodingKeys) -> String? { (try? container.decodeIfPresent(String.self, forKey: key)) ?? nil }
            path = text(.path)
            content = text(.content)
            encoding = text(.encoding)
            oid = text(.oid)
            algo = text(.algo)
            summary = text(.summary)
            description = text(.description)
            parentCommit = text(.parentCommit)
            size = (try? container.decodeIfPresent(Int64.self, forKey: .size)) ?? nil
        }
    }

    private struct Line: Decodable {
        let key: String
        let value: Fields
    }

    init(parsing bytes: [UInt8]) throws(HubError) {
        let line: Line
        do {
            line = try JSONDecoder().decode(Line.self, from: Data(bytes))
        } catch {
            throw .badRequest("Each line of the commit must be a JSON object with 'key' and 'value'")
        }
        let value = line.value
        if line.key == "header" {
            self = .header(summary: value.summary ?? "", description: value.description ?? "", parentCommit: value.parentCommit)
            return
        }
        guard let path = value.path else {
            throw .badRequest("A '\(HubName.printable(line.key))' line needs a path")
        }
        switch line.key {
        case "file":
            guard let content = value.content else { throw .badRequest("\(path): no content") }
            switch value.encoding ?? "base64" {
            case "base64":
                guard let data = Data(base64Encoded: content) else { throw .badRequest("\(path): content is not base64") }
                self = .file(path: path, contents: Array(data))
            case "utf-8":
                self = .file(path: path, contents: Array(content.utf8))
            default:
                throw .badRequest("\(path): unknown encoding")
            }
        case "lfsFile":
            guard let oid = value.oid else { throw .badRequest("\(path): no oid") }
            if let algorithm = value.algo, algorithm != "sha256" {
                throw .badRequest("\(path): only sha256 LFS objects are stored")
            }
            self = .lfsFile(path: path, oid: oid, size: value.size)
        case "deletedFile":
            self = .deletedFile(path: path)
        case "deletedFolder":
            self = .deletedFolder(path: path)
        default:
            throw .badRequest("Unknown commit operation '\(HubName.printable(line.key))'")
        }
    }
}
