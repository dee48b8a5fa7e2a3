import Foundation
import Hummingbird

/// JSON responses, `application/json`.
enum JSONBody {
    static func response<Value: Encodable>(
        status: HTTPResponse.Status = .ok, object: Value, headers: HTTPFields = [:]
    ) -> Response {
        response(status: status, bytes: encode(object), headers: headers)
    }

    /// An answer already encoded.
    static func response(status: HTTPResponse.Status = .ok, bytes: ByteBuffer, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.contentLength] = String(bytes.readableBytes)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: bytes))
    }

    static func encode<Value: Encodable>(_ object: Value) -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ByteBuffer(bytes: (try? encoder.encode(object)) ?? Data("{}".utf8))
    }
}
