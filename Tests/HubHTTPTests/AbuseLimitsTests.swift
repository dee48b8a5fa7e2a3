import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import HubHTTP
import HubTesting
import Logging
import NIOCore
import NIOEmbedded
import Testing

/// The limits that keep one client from costing everyone else: bodies read only after access is
/// known, bounded bodies, requests in flight per client, and git stopped when its client leaves.
@Suite struct AbuseLimitsTests {
    let test: TestHub

    init() throws {
        test = try TestHub()
    }

    static let lfsHeaders: HTTPFields = [
        .contentType: "application/vnd.git-lfs+json", .accept: "application/vnd.git-lfs+json",
    ]

    static func lfsHeaders(token: String) -> HTTPFields {
        var headers = lfsHeaders
        headers[.authorization] = "Bearer \(token)"
        return headers
    }

    func createPrivateRepo(token: String) async throws {
        try await test.application().test(.router) { client in
            try await client.execute(
                uri: "/api/repos/create", method: .post, headers: [.authorization: "Bearer \(token)"],
                body: ByteBuffer(string: #"{"name":"secret","private":true}"#)
            ) { #expect($0.status == .ok) }
        }
    }

    // MARK: LFS batch

    @Test func aRequestGivesItsPlaceBackOnceWhetherItsBodyIsWrittenOrDropped() {
        let limiter = ClientConcurrencyLimiter(maxPerClient: 32)
        #expect(limiter.enter("client"))
        do {
            // A HEAD answer: the response, and with it the lease, is dropped with its body unwritten.
            _ = ClientConcurrencyLease(limiter: limiter, client: "client")
        }
        #expect(limiter.count(for: "client") == 0)
        #expect(limiter.enter("client") && limiter.enter("client"))
        let written = ClientConcurrencyLease(limiter: limiter, client: "client")
        written.release()
        written.release()
        #expect(limiter.count(for: "client") == 1)
    }

    @Test func lfsBatchFromAnonymousIsChallengedBeforeItsBodyIsRead() async throws {
        let owner = try await test.user("alice")
        try await createPrivateRepo(token: owner)
        try await test.application().test(.router) { client in
            // The body is not even JSON: had it been parsed first, this would be a 422.
            for path in ["/alice/secret.git", "/nobody/nothing.git"] {
                try await client.execute(
                    uri: path + "/info/lfs/objects/batch", method: .post, headers: Self.lfsHeaders,
                    body: ByteBuffer(string: "{ this is not json")
                ) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.wwwAuthenticate] != nil)
                }
            }
        }
    }

    @Test func lfsBatchFromAStrangerIsNotFoundBeforeItsBodyIsRead() async throws {
        let owner = try await test.user("alice")
        let stranger = try await test.user("mallory")
        try await createPrivateRepo(token: owner)
        let headers = Self.lfsHeaders(token: stranger)
        try await test.application().test(.router) { client in
            try await client.execute(
                uri: "/alice/secret.git/info/lfs/objects/batch", method: .post, headers: headers,
                body: ByteBuffer(string: "{ this is not json")
            ) { #expect($0.status == .notFound) }
        }
    }

    @Test func lfsBatchBodyPastOneMebibyteIsTooLarge() async throws {
        let owner = try await test.user("alice")
        try await createPrivateRepo(token: owner)
        let headers = Self.lfsHeaders(token: owner)
        let padding = String(repeating: " ", count: 2 << 20)
        try await test.application().test(.router) { client in
            try await client.execute(
                uri: "/alice/secret.git/info/lfs/objects/batch", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"operation":"download","objects":[]"# + padding + "}")
            ) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.headers[.contentType] == "application/vnd.git-lfs+json")
                #expect(String(buffer: response.body).contains("larger than 1048576 bytes"))
            }
        }
    }

    @Test func webFormPastItsLimitIsTooLargeNotAnInternalError() async throws {
        try await test.application().test(.router) { client in
            try await client.execute(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "name=alice&password=" + String(repeating: "x", count: 128 << 10))
            ) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            }
        }
    }

    // MARK: Requests in flight per client

    @Test func aClientPastItsBoundIsToldToWaitAndOthersAreNot() {
        let limiter = ClientConcurrencyLimiter(maxPerClient: 32)
        for _ in 0..<32 { #expect(limiter.enter("token 1")) }
        #expect(!limiter.enter("token 1"))
        #expect(limiter.enter("token 2"))
        #expect(limiter.enter("address 127.0.0.1"))
        limiter.leave("token 1")
        #expect(limiter.enter("token 1"))
        for _ in 0..<32 { limiter.leave("token 1") }
        #expect(limiter.count(for: "token 1") == 0)
    }

    @Test func requestsAreCountedUntilTheirBodyHasBeenWritten() async throws {
        let limiter = ClientConcurrencyLimiter(maxPerClient: 32)
        let router = Router(context: HubRequestContext.self)
        router.add(middleware: ConcurrencyLimitMiddleware(limiter: limiter))
        router.get("/slow") { _, _ in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    // While the body is being written the request still counts.
                    #expect(limiter.count(for: "address unknown") == 1)
                    try await writer.write(ByteBuffer(string: "done"))
                    try await writer.finish(nil)
                })
        }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/slow", method: .get) { #expect(String(buffer: $0.body) == "done") }
        }
        #expect(limiter.count(for: "address unknown") == 0)
    }

    // MARK: git processes

    @Test func aStreamedGitResponseStopsItsProducerWhenTheClientLeaves() async throws {
        let connection = NIOAsyncTestingChannel()
        try await connection.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9))
        let context = HubRequestContext(source: .init(channel: connection, logger: Logger(label: "test")))
        let stopped = AsyncStream<Void>.makeStream()
        let body = GitHTTPController.streamed(context: context) { _ in
            // git thinking for a long time and writing nothing.
            do { try await Task.sleep(for: .seconds(120)) } catch { stopped.continuation.yield() }
        }
        async let written: Void = body.write(CollectingWriter())
        try await Task.sleep(for: .milliseconds(200))
        try await connection.close()
        let producerStopped = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await _ in stopped.stream { return true }
                return false
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(10))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            stopped.continuation.finish()
            return first
        }
        #expect(producerStopped)
        _ = try? await written
    }
}

/// A response body writer that keeps nothing.
struct CollectingWriter: ResponseBodyWriter {
    mutating func write(_ buffer: ByteBuffer) async throws {}
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
