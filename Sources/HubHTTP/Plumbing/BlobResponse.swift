import HTTPTypes
import Hummingbird
import HubCore
import HubServices
import NIOCore

/// Responses for content served whole or by one byte range (`/resolve/`, LFS object downloads).
/// HEAD gets the same headers (Content-Length is the full or partial length) and no body.
enum BlobResponse {
    /// The status, `Content-Length` and `Content-Range` for `range` of `size` bytes; `body` makes
    /// the bytes of the range (nil: all of them) and is not called for an unsatisfiable range.
    static func make(
        size: Int64, range: ByteRange, headers: HTTPFields, body: (ClosedRange<Int64>?, Int64) -> ResponseBody
    ) -> Response {
        var headers = headers
        switch range {
        case .unsatisfiable:
            headers[.contentRange] = "bytes */\(size)"
            headers[.contentLength] = "0"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        case .whole:
            headers[.contentLength] = String(size)
            return Response(status: .ok, headers: headers, body: body(nil, size))
        case .partial(let bytes):
            let length = bytes.upperBound - bytes.lowerBound + 1
            headers[.contentLength] = String(length)
            headers[.contentRange] = "bytes \(bytes.lowerBound)-\(bytes.upperBound)/\(size)"
            return Response(status: .partialContent, headers: headers, body: body(bytes, length))
        }
    }

    /// A stored LFS object: a file on disk goes out with `sendfile` on `connection`
    /// (`ZeroCopyFile`); otherwise (a Xet file, no file-region writer on the connection) it is
    /// streamed from the store.
    static func object(
        lfs: LFSService, oid: LFSObjectID, size: Int64, range: ByteRange, headers: HTTPFields, connection: any Channel
    ) -> Response {
        make(size: size, range: range, headers: headers) { bytes, length in
            guard length > 0 else { return ResponseBody() }
            return ResponseBody(contentLength: Int(length)) { writer in
                if let path = lfs.localPath(of: oid),
                    try await ZeroCopyFile.send(
                        path: path, range: bytes, expectedSize: size, connection: connection, writer: &writer)
                {
                    try await writer.finish(nil)
                    return
                }
                try await lfs.read(oid, range: bytes) { chunk in
                    try await writer.write(chunk)
                }
                try await writer.finish(nil)
            }
        }
    }

    /// A stored object a client fetches from elsewhere (a presigned URL of the blob store), as the
    /// public hub redirects to its CDN: `302` with the object's headers (huggingface_hub reads
    /// `X-Linked-Size`, `X-Linked-Etag` and `X-Repo-Commit` from the redirect itself and then GETs
    /// the location, sending its `Range` there).
    static func redirect(to location: String, headers: HTTPFields) -> Response {
        var headers = headers
        headers[.location] = location
        headers[.contentLength] = "0"
        headers[.contentRange] = nil
        return Response(status: .found, headers: headers)
    }

    /// Bytes already in memory (a regular git file).
    static func inline(_ contents: [UInt8], range: ByteRange, headers: HTTPFields) -> Response {
        make(size: Int64(contents.count), range: range, headers: headers) { bytes, _ in
            guard let bytes else { return ResponseBody(byteBuffer: ByteBuffer(bytes: contents)) }
            return ResponseBody(byteBuffer: ByteBuffer(bytes: contents[Int(bytes.lowerBound)...Int(bytes.upperBound)]))
        }
    }
}
