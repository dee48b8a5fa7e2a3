import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import HubHTTP
import HubCore
import HubServer
import HubServices
import HubTesting
import Logging
import NIOCore
import Synchronization
import Testing

/// The operator's endpoints (health, metrics) and the line logged per request.
@Suite struct OperationsTests {
    let test: TestHub

    init() throws {
        test = try TestHub()
    }

    /// The configuration with `/metrics` behind `token`.
    func configuration(metricsToken token: String?) -> ServerConfiguration {
        var configuration = test.configuration
        configuration.metricsToken = token
        return configuration
    }

    @Test func liveAndReadyAnswerWhenEverythingWorks() async throws {
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/health/live", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .ok)
                let answer = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(answer?["status"] as? String == "ready")
                let checks = answer?["checks"] as? [String: [String: String]]
                #expect(checks?.keys.sorted() == ["blobStore", "dataFolder", "database", "git"])
                #expect(checks?.values.allSatisfy { $0["status"] == "ok" } == true, "\(checks ?? [:])")
            }
        }
    }

    @Test func readyIs503NamingTheCheckThatFailedWhenTheDataFolderTakesNoWrite() async throws {
        // Where uploads write first: a file instead of a folder takes no write, even for root.
        let scratch = try #require(test.directory.listing("tmp").first { !$0.hasSuffix(".lock") })
        let area = test.directory.url.appendingPathComponent("tmp/\(scratch)")
        try FileManager.default.removeItem(at: area)
        try Data().write(to: area)
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let answer = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let checks = answer?["checks"] as? [String: [String: String]]
                #expect(checks?["dataFolder"]?["status"] == "failed")
                #expect(checks?["dataFolder"]?["error"] != nil)
                #expect(checks?["database"]?["status"] == "ok")
            }
        }
    }

    @Test func metricsAreNotServedOnThePublicListenerWithoutAToken() async throws {
        try await test.application(configuration: configuration(metricsToken: nil)).test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func metricsNeedTheConfiguredToken() async throws {
        let token = "metrics-token-0123456789"
        let user = try await test.user("alice")
        try await test.application(configuration: configuration(metricsToken: token)).test(.router) { client in
            for header in [nil, "Bearer wrong-token-0123456789", "Bearer \(user)", "Basic \(token)"] {
                var headers = HTTPFields()
                headers[.authorization] = header
                try await client.execute(uri: "/metrics", method: .get, headers: headers) { response in
                    #expect(response.status == .unauthorized, "\(header ?? "no header")")
                }
            }
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            }
        }
    }

    @Test func requestsAreCountedByRouteTemplateMethodStatusAndSurfaceNeverByRawPath() async throws {
        let token = "metrics-token-0123456789"
        let user = try await test.user("alice")
        let one = try await test.repo("one", token: user)
        try await test.repo("two", token: user)
        try await test.commit(["config.json": "{\"a\": 1}"], to: one.id, token: user)
        let metrics = HubMetrics()
        try await test.application(configuration: configuration(metricsToken: token), metrics: metrics).test(.router) {
            client in
            for name in ["one", "two", "missing"] {
                try await client.execute(uri: "/api/models/alice/\(name)", method: .get) { _ in }
            }
            try await client.execute(uri: "/alice/one/resolve/main/config.json", method: .get) { response in
                #expect(Array(buffer: response.body) == Array("{\"a\": 1}".utf8))
            }
            // A method no route has, from a client that may send any token.
            try await client.execute(uri: "/api/models/alice/one", method: HTTPRequest.Method("BREW")!) { _ in }
            let exposition = try await client.execute(
                uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(token)"]
            ) { response in String(buffer: response.body) }
            let lines = exposition.split(separator: "\n").map(String.init)
            func value(_ prefix: String) -> Double? {
                lines.first { $0.hasPrefix(prefix + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
            }
            let info = #"modelhub_http_requests_total{route="/api/models/{namespace}/{name}",method="GET",status=""#
            #expect(value(info + #"200"}"#) == 2)
            #expect(value(info + #"404"}"#) == 1)
            #expect(lines.contains { $0.contains(#"method="other""#) })
            #expect(!exposition.contains("alice"))
            #expect((value(#"modelhub_http_response_bytes_total{surface="resolve"}"#) ?? 0) >= 8)
            #expect((value(#"modelhub_http_response_bytes_total{surface="api"}"#) ?? 0) > 0)
            #expect(value(#"modelhub_repositories{kind="model"}"#) == 2)
            #expect(value(#"modelhub_repositories{kind="dataset"}"#) == 0)
            #expect(value("modelhub_lfs_stored_bytes") == 0)
            // Process-wide: other tests running beside this one spawn git too.
            #expect(value("modelhub_git_processes_running") != nil)
            // Only the scrape itself is in flight.
            #expect(value("modelhub_http_requests_in_flight") == 1)
            #expect(lines.contains { $0.hasPrefix("modelhub_http_request_duration_seconds_bucket{") })
        }
    }

    @Test func eachRequestIsOneJSONLineWithItsRouteStatusBytesAndUserButNeverItsToken() async throws {
        let lines = Mutex<[Data]>([])
        var logger = Logger(label: "test") { label in
            JSONLogHandler(label: label) { line in lines.withLock { $0.append(line) } }
        }
        logger.logLevel = .info
        let user = try await test.user("alice")
        try await test.repo("one", token: user)
        var configuration = test.configuration
        configuration.logFormat = "json"
        try await test.application(configuration: configuration, logger: logger).test(.router) { client in
            try await client.execute(
                uri: "/api/models/alice/one?expand=sha", method: .get,
                headers: [.authorization: "Bearer \(user)", .init("X-Request-Id")!: "trace-42"]
            ) { response in
                #expect(response.status == .ok)
            }
        }
        let logged = lines.withLock { $0 }
        let requestLines = try logged.compactMap { line -> [String: Any]? in
            #expect(!String(decoding: line, as: UTF8.self).contains(user))
            let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
            return object["message"] as? String == "request" ? object : nil
        }
        let line = try #require(requestLines.first)
        #expect(requestLines.count == 1)
        #expect(line["request_id"] as? String == "trace-42")
        #expect(line["method"] as? String == "GET")
        #expect(line["route"] as? String == "/api/models/{namespace}/{name}")
        #expect(line["path"] as? String == "/api/models/alice/one")
        #expect(line["status"] as? Int == 200)
        #expect((line["bytes_out"] as? Int ?? 0) > 0)
        #expect(line["user"] as? String == "alice")
        #expect(line["surface"] as? String == "api")
        #expect(line["duration_ms"] is Double)
        #expect(line["level"] as? String == "info")
    }

    @Test func theOperatorsPathsAreNamesNoUserOrganizationOrAliasMayTake() async throws {
        let token = try await test.user("alice")
        let repo = try await test.repo("weights", token: token)
        for name in ["health", "Metrics", "openapi.json"] {
            await #expect(throws: HubError.self, "user \(name)") {
                try await test.hub.accounts.createUser(name: name, fullname: nil, email: nil, isAdmin: false, token: nil)
            }
            await #expect(throws: HubError.self, "organization \(name)") {
                try await test.hub.orgs.create(
                    name: name, fullname: nil, privateByDefault: false, owner: "alice", by: .caller(try await test.caller(token)))
            }
            await #expect(throws: HubError.self, "alias \(name)") {
                try await test.hub.repos.setAlias(kind: .model, name: name, to: repo.id)
            }
        }
    }

    @Test func onlyDatabaseWaitsLongEnoughToTellOfAFullPoolAreCounted() async throws {
        let metrics = HubMetrics()
        metrics.recordDatabaseWait(.microseconds(5))
        metrics.recordDatabaseWait(.milliseconds(3))
        let exposition = String(decoding: try await metrics.exposition(of: test.hub), as: UTF8.self)
        #expect(exposition.contains("modelhub_database_wait_seconds_count 1\n"))
        #expect(exposition.contains(#"modelhub_database_wait_seconds_bucket{le="0.005"} 1"#))
        #expect(exposition.contains(#"modelhub_database_wait_seconds_bucket{le="0.001"} 0"#))
    }

    @Test func surfacesAreToldByPath() {
        #expect(RequestSurface(path: "/api/models/a/b") == .api)
        #expect(RequestSurface(path: "/a/b/resolve/main/x.bin") == .resolve)
        #expect(RequestSurface(path: "/datasets/a/b/resolve/main/x.bin") == .resolve)
        #expect(RequestSurface(path: "/a/b.git/info/lfs/objects/batch") == .lfs)
        #expect(RequestSurface(path: "/a/b.git/info/refs") == .git)
        #expect(RequestSurface(path: "/a/b/git-upload-pack") == .git)
        #expect(RequestSurface(path: "/xet/v1/chunks/default/abc") == .xet)
        #expect(RequestSurface(path: "/health/ready") == .operations)
        #expect(RequestSurface(path: "/metrics") == .operations)
        #expect(RequestSurface(path: "/a/b") == .web)
    }
}
