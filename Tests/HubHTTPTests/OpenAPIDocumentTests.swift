import Foundation
import Hummingbird
import HummingbirdTesting
@testable import HubHTTP
import HubServer
import HubTesting
import Testing

/// The OpenAPI document (`/openapi.json`) describes the API the router really has: every
/// documented operation is routed, and every route of the JSON API, of file downloads and of the
/// health checks is documented. What each answer looks like is checked against the running hub
/// by Schemathesis (Tests/EndToEnd/test_openapi.py).
@Suite struct OpenAPIDocumentTests {
    let test: TestHub

    init() throws {
        test = try TestHub()
    }

    func document() throws -> [String: Any] {
        let bytes = try OpenAPIDocument.json.get()
        return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    /// A path with every parameter as `{}`, so that the router's names (`:revision`) and the
    /// document's (`{branch}`) compare.
    static func shape(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") || segment.hasPrefix(":") || segment == "**" ? "{}" : String(segment)
        }.joined(separator: "/")
    }

    /// The operations of the router's routes the document covers, as `METHOD /shape`. A route per
    /// repository type becomes one with a `{repo_type}` (or, for downloads, a leading `{}`), and a
    /// route that only exists so a revision can hold raw slashes (`:revision/**`) is its
    /// documented counterpart.
    func routedOperations() -> Set<String> {
        let router = buildRouter(hub: test.hub, configuration: test.configuration)
        var operations: Set<String> = []
        for route in router.routes where route.method != .head {
            var path = route.path.description
            guard path.hasPrefix("/api/") || path.contains("/resolve/") || path.hasPrefix("/health/") else { continue }
            for plural in ["models", "datasets", "spaces"] {
                if path == "/api/\(plural)" || path.hasPrefix("/api/\(plural)/") {
                    path = "/api/{}" + path.dropFirst("/api/\(plural)".count)
                }
                if path.hasPrefix("/\(plural)/") { path = "/{}" + path.dropFirst("/\(plural)".count) }
            }
            let keepsPath = path.contains("/tree/") || path.contains("/resolve/")
            if path.hasSuffix("revision}/**") || path.hasSuffix(":revision/**"), !keepsPath {
                path = String(path.dropLast("/**".count))
            }
            operations.insert("\(route.method) \(Self.shape(path))")
        }
        return operations
    }

    func documentedOperations() throws -> Set<String> {
        let paths = try #require(try document()["paths"] as? [String: [String: Any]])
        var operations: Set<String> = []
        for (path, item) in paths {
            for method in item.keys where ["get", "put", "post", "delete", "patch"].contains(method) {
                operations.insert("\(method.uppercased()) \(Self.shape(path))")
            }
        }
        return operations
    }

    @Test func theDocumentIsOpenAPI31JSONConvertedWhole() throws {
        let document = try document()
        #expect(document["openapi"] as? String == "3.1.0")
        // Keys YAML would read as numbers stay strings; values keep their JSON types.
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let responses = try #require((paths["/api/whoami-v2"]?["get"] as? [String: Any])?["responses"] as? [String: Any])
        #expect(responses.keys.sorted() == ["200", "default"])
        let create = try #require(paths["/api/repos/create"]?["post"] as? [String: Any])
        #expect((create["requestBody"] as? [String: Any])?["required"] as? Bool == true)
    }

    @Test func everyRouteOfTheAPIIsDocumentedAndEveryDocumentedOperationIsRouted() throws {
        let routed = routedOperations()
        let documented = try documentedOperations()
        #expect(routed.subtracting(documented).sorted() == [], "routes the document leaves out")
        #expect(documented.subtracting(routed).sorted() == [], "documented operations no route serves")
        #expect(routed.count > 40)
    }

    @Test func theDocumentIsServedAsJSON() async throws {
        try await test.application().test(.router) { client in
            let expected = try OpenAPIDocument.json.get()
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                #expect(Array(response.body.readableBytesView) == expected)
            }
        }
    }

    @Test func aYAMLValueJSONCannotHoldIsRefusedNotGuessed() throws {
        #expect(throws: OpenAPIDocumentError.self) { try OpenAPIDocument.json(fromYAML: "a: .nan\n") }
        #expect(throws: OpenAPIDocumentError.self) { try OpenAPIDocument.json(fromYAML: "? [1, 2]\n: x\n") }
        let converted = try OpenAPIDocument.json(fromYAML: "200: {a: yes, b: ~, c: 1.5, d: '7', e: [x]}\n")
        #expect(String(decoding: converted, as: UTF8.self) == #"{"200":{"a":true,"b":null,"c":1.5,"d":"7","e":["x"]}}"#)
    }

    @Test func anAddressNoRouteAnswersIsAnHFError() async throws {
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/api/nothing/here", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8" || response.headers[.contentType] == "application/json")
                #expect(response.headers[.init("X-Error-Message")!] == "No endpoint answers GET at this path")
                #expect(String(buffer: response.body) == #"{"error":"No endpoint answers GET at this path"}"#)
            }
        }
    }
}
