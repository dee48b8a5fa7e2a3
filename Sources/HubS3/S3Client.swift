import AsyncHTTPClient
import Crypto
import Foundation
import HubCore
import NIOCore
import NIOHTTP1

/// The S3 operations the hub uses, on one bucket of any S3-compatible service (AWS, MinIO,
/// SeaweedFS, Ceph RGW), addressed path-style (`{endpoint}/{bucket}/{key}`), which every one of
/// them serves. Requests are signed with SigV4 (`SigV4Signer`) and sent through AsyncHTTPClient;
/// bodies stream both ways.
public struct S3Client: Sendable {
    /// `http` or `https`.
    let scheme: String
    /// `host` or `host:port`, as sent in the `Host` header and signed.
    let authority: String
    public let bucket: String
    let signer: SigV4Signer
    let http: HTTPClient

    /// A small request (HEAD, DELETE, a multipart control call) that takes longer than this failed.
    static let controlTimeout: TimeAmount = .seconds(60)

    public init(endpoint: String, bucket: String, region: String, accessKey: String, secretKey: String) throws {
        guard let url = URL(string: endpoint), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty, url.path.isEmpty || url.path == "/", url.query == nil
        else {
            throw HubError.badRequest("the S3 endpoint must be an http(s) URL without a path, not '\(endpoint)'")
        }
        guard Self.isValidBucketName(bucket) else {
            throw HubError.badRequest("'\(bucket)' is not an S3 bucket name (3 to 63 of a-z 0-9 . -)")
        }
        self.scheme = scheme
        // A default port is left out, as HTTP clients leave it out of the Host header they send.
        let defaultPort = scheme == "https" ? 443 : 80
        self.authority = url.port.map { $0 == defaultPort ? host : "\(host):\($0)" } ?? host
        self.bucket = bucket
        self.signer = SigV4Signer(accessKey: accessKey, secretKey: secretKey, region: region)
        self.http = HTTPClient.shared
    }

    static func isValidBucketName(_ name: String) -> Bool {
        (3...63).contains(name.utf8.count)
            && name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D }
    }

    func path(of key: String) -> String {
        "/\(bucket)/\(key)"
    }

    // MARK: Objects

    /// The size of `key`, or nil when there is no such object.
    public func size(of key: String) async throws -> Int64? {
        try await info(of: key)?.size
    }

    /// The size and last modification of `key`, or nil when there is no such object.
    public func info(of key: String) async throws -> (size: Int64, lastModified: Date?)? {
        let response = try await send("HEAD", key: key, deadline: .now() + Self.controlTimeout)
        switch response.status.code {
        case 200:
            guard let size = response.headers.first(name: "content-length").flatMap({ Int64($0) }) else {
                throw S3Error(operation: "HEAD \(key)", status: 200, code: nil, message: "no Content-Length")
            }
            return (size, response.headers.first(name: "last-modified").flatMap(Self.parseHTTPDate))
        case 404:
            return nil
        default:
            throw S3Error(operation: "HEAD \(key)", status: response.status.code, body: [])
        }
    }

    /// Bytes `range` of `key`, read whole (for small reads such as an index).
    public func bytes(of key: String, range: ClosedRange<Int64>) async throws -> ByteBuffer {
        var collected = ByteBuffer()
        for try await chunk in try await body(of: key, range: range) {
            collected.writeImmutableBuffer(chunk)
        }
        return collected
    }

    /// Writes `body` (exactly `length` bytes) as `key`, replacing what was there.
    public func put(_ key: String, body: HTTPClientRequest.Body, length: Int64) async throws {
        _ = try await expectSuccess(
            "PUT \(key)", send("PUT", key: key, body: body, length: length, deadline: .distantFuture))
    }

    /// Streams `range` of `key` (all of it when nil) to `consume`.
    public func read(
        _ key: String, range: ClosedRange<Int64>?, into consume: (ByteBuffer) async throws -> Void
    ) async throws {
        for try await chunk in try await body(of: key, range: range) {
            try await consume(chunk)
        }
    }

    /// The bytes of `range` of `key` (all of it when nil), as they arrive.
    public func body(of key: String, range: ClosedRange<Int64>? = nil) async throws -> HTTPClientResponse.Body {
        var headers: [(String, String)] = []
        if let range { headers.append(("range", "bytes=\(range.lowerBound)-\(range.upperBound)")) }
        let response = try await send("GET", key: key, headers: headers, deadline: .distantFuture)
        guard response.status.code == (range == nil ? 200 : 206) else {
            throw S3Error(operation: "GET \(key)", status: response.status.code, body: try await Self.collect(response))
        }
        return response.body
    }

    /// Deletes `key`; deleting a missing key succeeds, as in S3.
    public func delete(_ key: String) async throws {
        _ = try await expectSuccess("DELETE \(key)", send("DELETE", key: key, deadline: .now() + Self.controlTimeout))
    }

    /// One page (at most 1000 keys) of the objects whose keys start with `prefix`, after `continuation`.
    public func list(prefix: String, continuation: String? = nil) async throws -> (objects: [S3Object], next: String?) {
        var query = [("list-type", "2"), ("prefix", prefix)]
        if let continuation { query.append(("continuation-token", continuation)) }
        let xml = try await expectSuccess(
            "LIST \(prefix)", send("GET", key: "", query: query, deadline: .now() + Self.controlTimeout))
        let objects = xml.blocks("Contents").compactMap { block -> S3Object? in
            guard let key = block.first("Key"), let size = block.first("Size").flatMap({ Int64($0) }) else { return nil }
            return S3Object(key: key, size: size, lastModified: block.first("LastModified").flatMap(Self.parseDate))
        }
        let truncated = xml.first("IsTruncated") == "true"
        return (objects, truncated ? xml.first("NextContinuationToken") : nil)
    }

    /// Every object whose key starts with `prefix`.
    public func listAll(prefix: String) async throws -> [S3Object] {
        var objects: [S3Object] = []
        var continuation: String?
        repeat {
            let page = try await list(prefix: prefix, continuation: continuation)
            objects += page.objects
            continuation = page.next
        } while continuation != nil
        return objects
    }

    // MARK: Multipart uploads (the object appears only when the upload is completed)

    public func createMultipartUpload(_ key: String) async throws -> String {
        let xml = try await expectSuccess(
            "CreateMultipartUpload \(key)",
            send("POST", key: key, query: [("uploads", "")], deadline: .now() + Self.controlTimeout))
        guard let id = xml.first("UploadId"), !id.isEmpty else {
            throw S3Error(operation: "CreateMultipartUpload \(key)", status: 200, body: Array("no UploadId".utf8))
        }
        return id
    }

    /// Sends part `number` (from 1) of an upload; returns its ETag, which completion lists.
    public func uploadPart(
        _ key: String, uploadID: String, number: Int, body: HTTPClientRequest.Body, length: Int64
    ) async throws -> String {
        let response = try await send(
            "PUT", key: key, query: [("partNumber", String(number)), ("uploadId", uploadID)], body: body, length: length,
            deadline: .distantFuture)
        guard response.status.code == 200, let etag = response.headers.first(name: "etag") else {
            throw S3Error(operation: "UploadPart \(key) #\(number)", status: response.status.code, body: try await Self.collect(response))
        }
        _ = try await Self.collect(response)
        return etag
    }

    public func completeMultipartUpload(_ key: String, uploadID: String, parts: [(number: Int, etag: String)]) async throws {
        let list = parts.map {
            "<Part><PartNumber>\($0.number)</PartNumber><ETag>\(S3XML.escape($0.etag))</ETag></Part>"
        }.joined()
        let document = Array("<CompleteMultipartUpload>\(list)</CompleteMultipartUpload>".utf8)
        let xml = try await expectSuccess(
            "CompleteMultipartUpload \(key)",
            send(
                "POST", key: key, query: [("uploadId", uploadID)], body: .bytes(document),
                length: Int64(document.count), payloadHash: SHA256.hash(data: document).hexString, deadline: .distantFuture))
        // S3 may answer 200 and put its error in the body (the completion can fail after it started).
        if let code = xml.first("Code") {
            throw S3Error(operation: "CompleteMultipartUpload \(key)", status: 200, code: code, message: xml.first("Message"))
        }
    }

    public func abortMultipartUpload(_ key: String, uploadID: String) async throws {
        let response = try await send(
            "DELETE", key: key, query: [("uploadId", uploadID)], deadline: .now() + Self.controlTimeout)
        // 404: already completed, aborted or swept, which is what the caller wanted.
        guard response.status.code == 204 || response.status.code == 200 || response.status.code == 404 else {
            throw S3Error(operation: "AbortMultipartUpload \(key)", status: response.status.code, body: try await Self.collect(response))
        }
        _ = try await Self.collect(response)
    }

    /// The multipart uploads in progress under `prefix` (the first 1000).
    public func multipartUploads(prefix: String) async throws -> [S3MultipartUpload] {
        let xml = try await expectSuccess(
            "ListMultipartUploads \(prefix)",
            send("GET", key: "", query: [("uploads", ""), ("prefix", prefix)], deadline: .now() + Self.controlTimeout))
        return xml.blocks("Upload").compactMap { block in
            guard let key = block.first("Key"), let id = block.first("UploadId") else { return nil }
            return S3MultipartUpload(key: key, uploadID: id, initiated: block.first("Initiated").flatMap(Self.parseDate))
        }
    }

    // MARK: Presigned URLs

    /// A URL that lets whoever holds it GET `key` for `expires` seconds, with no other credentials
    /// (a `Range` header still applies: it is not signed).
    public func presignedGetURL(_ key: String, expires: Int, contentDisposition: String? = nil) -> String {
        let path = path(of: key)
        let extra = contentDisposition.map { [("response-content-disposition", $0)] } ?? []
        let query = signer.presignedQuery(method: "GET", path: path, host: authority, expires: expires, query: extra)
        return "\(scheme)://\(authority)\(SigV4Signer.encodePath(path))?\(query)"
    }

    // MARK: Requests

    private func send(
        _ method: String, key: String, query: [(String, String)] = [], headers: [(String, String)] = [],
        body: HTTPClientRequest.Body? = nil, length: Int64 = 0, payloadHash: String? = nil, deadline: NIODeadline
    ) async throws -> HTTPClientResponse {
        let path = key.isEmpty ? "/\(bucket)" : path(of: key)
        var signed = headers + [("host", authority)]
        if body != nil { signed.append(("content-length", String(length))) }
        let hash = payloadHash ?? (body == nil ? SigV4Signer.emptyPayloadHash : SigV4Signer.unsignedPayload)
        let authorization = signer.signedHeaders(method: method, path: path, query: query, headers: signed, payloadHash: hash)
        let queryString = SigV4Signer.canonicalQuery(query)
        var request = HTTPClientRequest(
            url: "\(scheme)://\(authority)\(SigV4Signer.encodePath(path))" + (queryString.isEmpty ? "" : "?\(queryString)"))
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in signed + authorization where name != "content-length" {
            request.headers.add(name: name, value: value)
        }
        if let body {
            request.body = body
            request.headers.replaceOrAdd(name: "content-length", value: String(length))
        }
        return try await http.execute(request, deadline: deadline)
    }

    /// Fails unless the answer is a 2xx; returns its body as XML.
    private func expectSuccess(_ operation: String, _ response: HTTPClientResponse) async throws -> S3XML {
        let body = try await Self.collect(response)
        guard (200...299).contains(response.status.code) else {
            throw S3Error(operation: operation, status: response.status.code, body: body)
        }
        return S3XML(bytes: body)
    }

    /// A response body of a control call, read whole (at most 16 MiB: a listing page is ~300 KB).
    static func collect(_ response: HTTPClientResponse) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in response.body {
            guard bytes.count + chunk.readableBytes <= 16 << 20 else {
                throw S3Error(operation: "read answer", status: response.status.code, body: Array("answer too large".utf8))
            }
            bytes += chunk.readableBytesView
        }
        return bytes
    }

    /// An HTTP date (`Tue, 01 Dec 2026 00:54:32 GMT`, RFC 9110 §5.6.7), as S3's Last-Modified.
    static func parseHTTPDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }

    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

/// An object of a listing.
public struct S3Object: Sendable, Equatable {
    public let key: String
    public let size: Int64
    public let lastModified: Date?
}

/// A multipart upload begun and neither completed nor aborted.
public struct S3MultipartUpload: Sendable, Equatable {
    public let key: String
    public let uploadID: String
    public let initiated: Date?
}
