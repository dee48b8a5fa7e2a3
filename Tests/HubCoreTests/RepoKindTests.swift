import Foundation
import HubCore
import Testing

@Suite struct RepoKindTests {
    @Test func absentTypeMeansModel() throws {
        #expect(try RepoKind(apiType: nil) == .model)
    }

    @Test func refusesUnknownType() {
        #expect(throws: HubError.self) { try RepoKind(apiType: "kernel-x") }
    }

    @Test func webPathsCarryThePrefix() throws {
        #expect(try RepoID(kind: .dataset, namespace: "alice", name: "ds").webPath == "datasets/alice/ds")
        #expect(try RepoID(kind: .model, namespace: "alice", name: "m").webPath == "alice/m")
    }

    @Test func datesEndInZ() {
        let text = HubDate.format(Date(timeIntervalSince1970: 1_700_000_000.5))
        #expect(text == "2023-11-14T22:13:20.500Z")
        #expect(HubDate.parse(text) == Date(timeIntervalSince1970: 1_700_000_000.5))
    }
}
