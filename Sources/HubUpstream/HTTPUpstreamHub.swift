import AsyncHTTPClient
import Foundation
import HubCore
import HubServices
import NIOCore
import NIOHTTP1

/// The upstream hub over HTTP: the public hub or another modelhub, read the way huggingface_hub
/// reads it (`GET /api/{models,datasets,spaces}/{id}` for a repository, `/{id}/resolve/{commit}/
/// {path}` for a file's bytes), with the upstream token as a bearer token. Redirects are
/// followed here, not by the HTTP client, so that the token goes to the upstream hub only, never
/// to the CDN or bucket a download is sent on to.
public final class HTTPUpstreamHub: UpstreamHub {
    let baseURL: String
    let token: String?
    let client: HTTPClient

    /// How long connecting, and then each wait for more bytes, may take before upstream counts as
    /// unreachable: a dead upstream is a clear 502 in seconds, not a hung request.
    public static let connectTimeout = TimeAmount.seconds(10)
    public static let readTimeout = TimeAmount.seconds(30)
    static let maxRedirects = 5

    public init(baseURL: String, token: String?) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: Self.connectTimeout, read: Self.readTimeout))
        configuration.decompression = .disabled
        // A refused connection fails the request at once (the default retries until the connect
        // timeout): with upstream down, what was never fetched is a prompt 502.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 32
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Closes the client's connections; the hub calls it when it closes.
    public func shutdown() throws {
        try client.syncShutdown()
    }

    public func repository(_ id: RepoID) async throws -> UpstreamRepository? {
        let url = "\(baseURL)/api/\(id.kind.plural)/\(Self.escaped(id.path))"
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request(url, authorized: true), timeout: .seconds(30))
        } catch {
            throw HubError.upstreamFailed("The upstream hub did not answer: \(Self.describe(error))")
        }
        switch response.status.code {
        case 200:
            let body = try await response.body.collect(upTo: 16 << 20)
            let info = try? JSONDecoder().decode(Info.self, from: Data(body.readableBytesView))
            return UpstreamRepository(isPrivate: info?.private ?? false, isGated: info?.isGated ?? false)
        case 401, 403, 404, 410:
            return nil
        default:
            throw HubError.upstreamFailed("The upstream hub answered \(response.status.code) for \(id.path)")
        }
    }

    public func gitRemote(_ id: RepoID) -> (url: String, headers: [String]) {
        let prefix = id.kind == .model ? "" : "\(id.kind.plural)/"
        return ("\(baseURL)/\(prefix)\(Self.escaped(id.path))", token.map { ["Authorization: Bearer \($0)"] } ?? [])
    }

    public func download(
        _ id: RepoID, object: LFSPointer,
        into consume: (any AsyncSequence<ByteBuffer, any Error> & Sendable) async throws -> Void
    ) async throws {
        let (href, headers) = try await downloadAction(id, object: object)
        var url = href
        var sendsHeaders = true
        for _ in 0...Self.maxRedirects {
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "User-Agent", value: "modelhub-mirror")
            // The action's headers (its authorization) go to the action's URL only, never on to
            // the bucket or CDN it redirects to.
            if sendsHeaders { for (name, value) in headers { request.headers.add(name: name, value: value) } }
            let response: HTTPClientResponse
            do {
                response = try await client.execute(request, deadline: .distantFuture)
            } catch {
                throw HubError.upstreamFailed("The upstream hub did not answer: \(Self.describe(error))")
            }
            switch response.status.code {
            case 200:
                do {
                    try await consume(response.body)
                } catch let error as HubError {
                    throw error
                } catch {
                    throw HubError.upstreamFailed("The download from the upstream hub broke off: \(Self.describe(error))")
                }
                return
            case 301, 302, 303, 307, 308:
                guard let location = response.headers.first(name: "location"), let next = Self.resolve(location, against: url) else {
                    throw HubError.upstreamFailed("The upstream hub redirected object \(object.oid.hex) nowhere")
                }
                sendsHeaders = Self.sameOrigin(next, url) && sendsHeaders
                url = next
            default:
                throw HubError.upstreamFailed("The upstream hub answered \(response.status.code) for object \(object.oid.hex)")
            }
        }
        throw HubError.upstreamFailed("The upstream hub redirected object \(object.oid.hex) too many times")
    }

    /// Where upstream's Git LFS batch API says the object's bytes are, and the headers to send.
    func downloadAction(_ id: RepoID, object: LFSPointer) async throws -> (href: String, headers: [String: String]) {
        let prefix = id.kind == .model ? "" : "\(id.kind.plural)/"
        var request = self.request("\(baseURL)/\(prefix)\(Self.escaped(id.path)).git/info/lfs/objects/batch", authorized: true)
        request.method = .POST
        request.headers.add(name: "Accept", value: "application/vnd.git-lfs+json")
        request.headers.add(name: "Content-Type", value: "application/vnd.git-lfs+json")
        let batch = BatchRequest(
            operation: "download", transfers: ["basic"], objects: [.init(oid: object.oid.hex, size: object.size)],
            hash_algo: "sha256")
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(batch)))
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await client.execute(request, timeout: .seconds(60))
            body = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw HubError.upstreamFailed("The upstream hub did not answer: \(Self.describe(error))")
        }
        if [401, 403].contains(response.status.code), response.headers.first(name: "X-Error-Code") == "GatedRepo" {
            throw UpstreamRepository.gateRefusal(id)
        }
        guard response.status == .ok, let answer = try? JSONDecoder().decode(BatchResponse.self, from: Data(body.readableBytesView)),
            let first = answer.objects.first
        else {
            throw HubError.upstreamFailed("The upstream hub's Git LFS batch answered \(response.status.code)")
        }
        if let error = first.error {
            throw HubError.upstreamFailed("The upstream hub has no object \(object.oid.hex): \(error.message ?? "error \(error.code ?? 0)")")
        }
        guard let download = first.actions?.download else {
            throw HubError.upstreamFailed("The upstream hub gave no download for object \(object.oid.hex)")
        }
        return (download.href, download.header ?? [:])
    }

    struct BatchRequest: Encodable {
        struct Object: Encodable {
            let oid: String
            let size: Int64
        }
        let operation: String
        let transfers: [String]
        let objects: [Object]
        let hash_algo: String
    }

    struct BatchResponse: Decodable {
        struct Object: Decodable {
            struct Actions: Decodable {
                struct Action: Decodable {
                    let href: String
                    let header: [String: String]?
                }
                let download: Action?
            }
            struct Failure: Decodable {
                let code: Int?
                let message: String?
            }
            let actions: Actions?
            let error: Failure?
        }
        let objects: [Object]
    }

    func request(_ url: String, authorized: Bool) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "User-Agent", value: "modelhub-mirror")
        if authorized, let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        return request
    }

    struct Info: Decodable {
        let `private`: Bool?
        /// `gated` is `false`, or the mode (`"auto"`, `"manual"`).
        let isGated: Bool

        enum CodingKeys: String, CodingKey {
            case `private`, gated
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            `private` = try container.decodeIfPresent(Bool.self, forKey: .private)
            isGated = (try? container.decodeIfPresent(String.self, forKey: .gated)) != nil
                || (try? container.decodeIfPresent(Bool.self, forKey: .gated)) == true
        }
    }

    /// Each segment percent-encoded (names and paths may hold spaces or `#`), slashes kept.
    static func escaped(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%;")
        return path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.addingPercentEncoding(withAllowedCharacters: allowed) ?? String($0) }
            .joined(separator: "/")
    }

    /// A redirect's target, absolute or relative to the URL that answered.
    static func resolve(_ location: String, against url: String) -> String? {
        guard let base = URL(string: url), let target = URL(string: location, relativeTo: base)?.absoluteURL,
            ["http", "https"].contains(target.scheme ?? "")
        else { return nil }
        return target.absoluteString
    }

    static func sameOrigin(_ url: String, _ base: String) -> Bool {
        guard let one = URL(string: url), let two = URL(string: base) else { return false }
        return one.scheme == two.scheme && one.host == two.host && one.port == two.port
    }

    static func describe(_ error: any Error) -> String {
        String(String(describing: error).prefix(200))
    }
}
