import Foundation
import Hummingbird
import HubCore
import HubHTTP
import NIOCore

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
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxSize)
        } catch is NIOTooManyBytesError {
            throw HubError.payloadTooLarge(
                "Uploads through the web page are limited to \(maxSize >> 20) MiB: use git or huggingface_hub for larger files")
        }
        var upload = WebUpload()
        for part in try MultipartFormData(parsing: Array(buffer: body), boundary: boundary).parts {
            if let filename = part.filename {
                // Browsers send an empty part for an empty file input.
                if !filename.isEmpty { upload.files.append(File(name: filename, bytes: Array(part.bytes))) }
            } else if let name = part.name {
                upload.fields[name] = String(decoding: part.bytes, as: UTF8.self)
            }
        }
        return upload
    }
}
