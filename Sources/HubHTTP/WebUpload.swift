import Foundation
import Hummingbird
import HubCore
import MultipartKit

/// A `multipart/form-data` upload from the web UI's upload form: its text fields and its files.
/// The whole request is held in memory, so it is capped (`maxSize`): weights and other large
/// files go through git or huggingface_hub, which stream.
struct WebUpload {
    struct File {
        let name: String
        var bytes: [UInt8]
    }

    var fields: [String: String] = [:]
    var files: [File] = []

    static let maxSize = 32 << 20

    static func read(_ request: Request) async throws -> WebUpload {
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data"),
            let boundary = type.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) })
                .first(where: { $0.lowercased().hasPrefix("boundary=") })
                .map({ String($0.dropFirst("boundary=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) })
        else {
            throw HubError.badRequest("Uploads are sent as multipart/form-data")
        }
        let collector = Collector()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in collector.header(name, value) }
        parser.onBody = { buffer in collector.body(buffer.readBytes(length: buffer.readableBytes) ?? []) }
        parser.onPartComplete = { collector.complete() }
        var received = 0
        for try await buffer in request.body {
            received += buffer.readableBytes
            guard received <= maxSize else {
                throw HubError.payloadTooLarge(
                    "Uploads through the web page are limited to \(maxSize >> 20) MiB: use git or huggingface_hub for larger files")
            }
            try parser.execute(buffer)
        }
        return collector.upload
    }

    /// Gathers the parser's callbacks into fields and files.
    final class Collector {
        var upload = WebUpload()
        var name: String?
        var filename: String?
        var bytes: [UInt8] = []

        func header(_ field: String, _ value: String) {
            guard field.lowercased() == "content-disposition" else { return }
            for parameter in value.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                let pair = parameter.split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2 else { continue }
                let text = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                switch pair[0].lowercased() {
                case "name": name = text
                case "filename": filename = text
                default: break
                }
            }
        }

        func body(_ chunk: [UInt8]) {
            bytes += chunk
        }

        func complete() {
            if let filename {
                // Browsers send an empty part for an empty file input.
                if !filename.isEmpty { upload.files.append(File(name: filename, bytes: bytes)) }
            } else if let name {
                upload.fields[name] = String(decoding: bytes, as: UTF8.self)
            }
            name = nil
            filename = nil
            bytes = []
        }
    }
}
