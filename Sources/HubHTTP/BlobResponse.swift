import HTTPTypes
import Hummingbird
import HubCore
import HubServices

/// A response that streams a stored LFS object, whole or one byte range of it. HEAD gets the
/// same headers (Content-Length is the full or partial length) and no body.
enum BlobResponse {
    static func make(
        lfs: LFSService, oid: LFSObjectID, size: Int64, range: ByteRange, headers: inout HTTPFields
    ) -> Response {
        switch range {
        case .unsatisfiable:
            headers[.contentRange] = "bytes */\(size)"
            headers[.contentLength] = "0"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        case .whole:
            headers[.contentLength] = String(size)
            return Response(status: .ok, headers: headers, body: body(lfs: lfs, oid: oid, range: nil, length: size))
        case .partial(let bytes):
            let length = bytes.upperBound - bytes.lowerBound + 1
            headers[.contentLength] = String(length)
            headers[.contentRange] = "bytes \(bytes.lowerBound)-\(bytes.upperBound)/\(size)"
            return Response(status: .partialContent, headers: headers, body: body(lfs: lfs, oid: oid, range: bytes, length: length))
        }
    }

    private static func body(lfs: LFSService, oid: LFSObjectID, range: ClosedRange<Int64>?, length: Int64) -> ResponseBody {
        guard length > 0 else { return ResponseBody() }
        return ResponseBody(contentLength: Int(length)) { writer in
            try await lfs.read(oid, range: range) { chunk in
                try await writer.write(chunk)
            }
            try await writer.finish(nil)
        }
    }
}
