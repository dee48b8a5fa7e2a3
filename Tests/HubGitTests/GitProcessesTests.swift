import Foundation
import HubCore
@testable import HubGit
import Testing

/// What the readiness check and the metrics read of git.
@Suite struct GitProcessesTests {
    @Test func gitIsPresentOnlyWhenAFolderOfPathHoldsIt() throws {
        try GitProcesses.checkGitPresent()
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("no-git-\(UUID())")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: HubError.self) { try GitProcesses.checkGitPresent(path: empty.path) }
        #expect(throws: HubError.self) { try GitProcesses.checkGitPresent(path: nil) }
        #expect(throws: HubError.self) { try GitProcesses.checkGitPresent(path: "") }
    }
}
