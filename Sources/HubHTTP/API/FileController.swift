import Foundation
import HTTPTypes
import Hummingbird
import HubCore
import HubServices

/// `/{prefix}{ns}/{name}/resolve/{rev}/{path}` (the file's content, LFS objects included) and
/// `/…/raw/{rev}/{path}` (the git blob itself: the pointer of an LFS file), for GET and HEAD.
/// Headers are those huggingface_hub's `file_download.py` reads (`X-Repo-Commit`, `ETag`,
/// `X-Linked-Etag`, `X-Linked-Size`, `Content-Range`); HEAD reads no file content and hashes nothing.
struct FileController {
    let files: FileService
    let lfs: LFSService
    let counters: CounterService
    let repos: RepoService
    let baseURL: BaseURL

    func register(on router: Router<HubRequestContext>) {
        for kind in RepoKind.allCases {
            let router = router.group().add(middleware: RepoAssignmentMiddleware(repos: repos, kind: kind, need: .read))
            router.get(SiteURL.Route.atRevision(kind, .resolve, withPath: true).routerPath) { request, context in
                try await serve(request, context: context, followLFS: true)
            }
            router.get(SiteURL.Route.atRevision(kind, .raw, withPath: true).routerPath) { request, context in
                try await serve(request, context: context, followLFS: false)
            }
        }
    }

    func serve(_ request: Request, context: HubRequestContext, followLFS: Bool) async throws -> Response {
        let (revision, path) = try context.revisionAndPath()
        let file = try await files.resolve(
            try context.grantedRepo(), revision: revision, path: path, followLFS: followLFS,
            fetchingMirrored: request.method != .head)

        if followLFS {
            counters.recordDownload(of: file.repo, path: path)
        }
        var headers: HTTPFields = [
            .xRepoCommit: file.commit,
            .acceptRanges: "bytes",
            .contentType: Self.contentType(of: path),
            .contentDisposition: Self.contentDisposition(for: path),
            // Files are data, never pages of the hub: no sniffing them into HTML, and a browser
            // that opens one anyway runs nothing from it with the hub's origin.
            .xContentTypeOptions: "nosniff",
            .contentSecurityPolicy: "sandbox; default-src 'none'",
        ]
        let etag: String
        switch file.content {
        case .inline:
            etag = "\"\(file.blobID)\""
        case .lfs(let pointer):
            etag = "\"\(pointer.oid.hex)\""
            headers[.xLinkedEtag] = etag
            headers[.xLinkedSize] = String(pointer.size)
            if let xetHash = file.xetHash {
                // Xet clients download this file through the CAS, with a read token from the
                // linked route (huggingface_hub's `parse_xet_file_data_from_response`).
                let id = file.repo.id
                headers[.xXetHash] = xetHash.xetString
                headers[.link] = "<\(baseURL.url(for: request))/api/\(id.kind.plural)/\(id.path)/xet-read-token/\(file.commit)>; rel=\"xet-auth\""
            }
        }
        headers[.eTag] = etag
        if let match = request.headers[.ifNoneMatch], Self.matches(match, etag: etag, blobID: file.blobID) {
            return Response(status: .notModified, headers: headers)
        }
        let range = ByteRange(header: request.headers[.range], size: file.size)
        switch file.content {
        case .inline(let bytes):
            return BlobResponse.inline(bytes, range: range, headers: headers)
        case .lfs(let pointer):
            let name = path.split(separator: "/").last.map(String.init)
            // `resolve` found the object (following LFS): in the blob store unless it is a Xet file.
            if followLFS, range != .unsatisfiable, !file.arriving,
                let url = lfs.directDownloadURL(of: pointer.oid, at: file.xetHash.map { .xet($0) } ?? .blob, fileName: name)
            {
                return BlobResponse.redirect(to: url, headers: headers)
            }
            return BlobResponse.object(
                lfs: lfs, oid: pointer.oid, size: pointer.size, range: range, headers: headers, connection: context.connection)
        }
    }

    /// `If-None-Match` lists entity tags (or `*`); either form of this file's tag matches.
    static func matches(_ header: String, etag: String, blobID: String) -> Bool {
        let tags = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "W/", with: "") }
        return tags.contains("*") || tags.contains(etag) || tags.contains("\"\(blobID)\"")
    }

    /// What `filename*` may carry as is (RFC 5987 attr-char: ASCII letters, digits and a few
    /// marks); everything else, non-ASCII letters included, is percent-encoded.
    static let filenameCharacters = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~")

    static func contentDisposition(for path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let ascii = String(name.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 0x20 ? Character($0) : "_" })
        let encoded = name.addingPercentEncoding(withAllowedCharacters: filenameCharacters) ?? ascii
        return "inline; filename*=UTF-8''\(encoded); filename=\"\(ascii)\";"
    }

    /// Text types by extension (or by the whole name, dots removed, for `.gitattributes`).
    static let textTypes = [
        "json": "application/json", "md": "text/markdown", "txt": "text/plain", "py": "text/x-python",
        "yaml": "text/yaml", "yml": "text/yaml", "csv": "text/csv", "jsonl": "application/jsonl",
        "html": "text/plain", "gitattributes": "text/plain",
    ].mapValues { $0 + "; charset=utf-8" }

    static func contentType(of path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let dot = name.lastIndex(of: ".")
        let ext = dot.map { name[name.index(after: $0)...].lowercased() } ?? ""
        if let type = textTypes[ext.isEmpty ? name.lowercased().replacingOccurrences(of: ".", with: "") : ext] {
            return type
        }
        return "application/octet-stream"
    }
}
