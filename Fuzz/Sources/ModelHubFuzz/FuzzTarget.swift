import Foundation
import HTTPTypes
import Hummingbird
@testable import HubCore
@testable import HubHTTP
@testable import HubServices
@testable import HubWeb
import NIOCore
import XetCore

/// The parsers of client input, each fed arbitrary bytes. A target only has to not trap, not
/// overflow, and not run away: whether the input was accepted does not matter.
enum FuzzTarget: String, CaseIterable {
    /// `application/x-www-form-urlencoded` bodies (web forms, paths-info) and query text.
    case form
    /// `Range` headers against a size taken from the input.
    case range
    /// An NDJSON commit body: split into lines, each parsed as a commit operation.
    case commit
    /// Git LFS pointer files and object ids.
    case lfsPointer = "lfs-pointer"
    /// Git LFS batch request bodies.
    case lfsBatch = "lfs-batch"
    /// Model card front matter (YAML), as validate-yaml and the indexer read it.
    case card
    /// The web upload form's `multipart/form-data` body.
    case multipart
    /// A request target: URI parsing, paging cursors and the next-page link.
    case query
    /// Names: repository ids, ref names, percent-decoded path segments, `.git` spellings, and the
    /// repository a request path names (the redirect middleware reads every request path).
    case names
    /// A xorb body as `POST /xet/v1/xorbs` receives it, in two pieces split where the first byte
    /// says: chunk headers, LZ4 frames, BG4, the footer ident.
    case xorb
    /// A shard body as `POST /xet/v1/shards` receives it.
    case shard

    func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        switch self {
        case .form:
            _ = try? FormURLEncoded.decode(bytes)
            _ = try? FormURLEncoded.firstValues(bytes)
            _ = FormURLEncoded.normalizedPath(text)
            _ = FormURLEncoded.escape(text)
        case .range:
            guard bytes.count >= 8 else { return }
            let size = bytes.prefix(8).reduce(Int64(0)) { $0 << 8 | Int64($1) }
            _ = ByteRange(header: String(decoding: bytes.dropFirst(8), as: UTF8.self), size: size)
        case .commit:
            Self.blocking {
                let body = RequestBody(buffer: ByteBuffer(bytes: bytes))
                for try await line in NDJSONLines(body: body, maxLineLength: 4096) {
                    _ = try? CommitLine(parsing: line)
                }
            }
        case .lfsPointer:
            _ = LFSPointer(parsing: bytes)
            _ = LFSObjectID.isValid(text)
        case .lfsBatch:
            _ = try? JSONDecoder().decode(LFSController.BatchRequest.self, from: Data(bytes))
        case .card:
            for kind in RepoKind.allCases { _ = CardValidation(card: text, kind: kind) }
            _ = CardMetadata.card(from: text)
        case .multipart:
            _ = try? MultipartFormData(parsing: bytes, boundary: "fuzz")
            _ = MultipartFormData.dispositionParameters(text)
        case .query:
            let head = HTTPRequest(method: .get, scheme: "http", authority: "hub", path: "/api/models/a/b/tree/main/d" + text)
            let request = Request(head: head, body: RequestBody(buffer: ByteBuffer()))
            _ = request.uri.queryParameters.getAll("expand")
            if let pagination = try? Pagination(request: request, limit: 50) {
                _ = pagination.nextLink(total: Int.max, request: request, baseURL: BaseURL(publicURL: nil))
            }
        case .xorb:
            guard let first = bytes.first, var verifier = try? XorbVerifier() else { return }
            let split = min(bytes.count, Int(first) * 256)
            bytes.withUnsafeBytes { all in
                _ = try? verifier.consume(UnsafeRawBufferPointer(rebasing: all[..<split]))
                _ = try? verifier.consume(UnsafeRawBufferPointer(rebasing: all[split...]))
            }
            _ = try? verifier.finish()
        case .shard:
            _ = try? Shard(parsing: bytes)
        case .names:
            for kind in RepoKind.allCases {
                let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
                _ = try? RepoID(kind: kind, namespace: parts.first ?? "", name: parts.last ?? "")
            }
            _ = try? GitRefName(text)
            _ = text.percentDecoded
            _ = text.containsControlCharacters
            for component in text.split(separator: "/") { _ = GitPathRules.isDotGit(component) }
            _ = HubName.printable(text)
            _ = RepoPathShape(path: "/" + text)
            _ = RepoPathShape(path: "/api/models/" + text)
        }
    }

    /// Runs async parsing to completion from libFuzzer's synchronous callback.
    static func blocking(_ body: @escaping @Sendable () async throws -> Void) {
        let done = DispatchSemaphore(value: 0)
        Task {
            try? await body()
            done.signal()
        }
        done.wait()
    }
}
