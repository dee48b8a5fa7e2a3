import Foundation
import HubCore
import Testing

/// Instances sharing one data folder: a starting one clears what dead hubs left in `tmp/`, and
/// never what a live one is writing.
@Suite struct ScratchAreaTests {
    let data: URL
    var tmp: URL { data.appendingPathComponent("tmp") }

    init() throws {
        data = FileManager.default.temporaryDirectory.appendingPathComponent("scratch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    }

    func entries() throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: tmp.path))
    }

    func write(_ name: String, in folder: URL) throws {
        try Data("partial upload".utf8).write(to: folder.appendingPathComponent(name))
    }

    @Test func aLiveHubsWritesInFlightSurviveAnotherHubsSweep() throws {
        defer { try? FileManager.default.removeItem(at: data) }
        let first = try ScratchArea(in: data)
        let second = try ScratchArea(in: data)
        try write("upload-1", in: first.directory)
        try write("upload-2", in: second.directory)
        #expect(try ScratchArea.sweepAbandoned(in: data) == 0)
        #expect(FileManager.default.fileExists(atPath: first.directory.appendingPathComponent("upload-1").path))
        #expect(FileManager.default.fileExists(atPath: second.directory.appendingPathComponent("upload-2").path))
        first.release()
        second.release()
        #expect(try entries().isEmpty)
    }

    @Test func anAreaWhoseOwnerDiedIsSweptWithItsLockFile() throws {
        defer { try? FileManager.default.removeItem(at: data) }
        // What a killed hub leaves: its folder and its lock file, which nobody holds any more.
        let dead = tmp.appendingPathComponent("7D0A4C3E-0000-4000-8000-000000000001")
        try FileManager.default.createDirectory(at: dead.appendingPathComponent("new-x.git/objects"), withIntermediateDirectories: true)
        try write("upload-3", in: dead)
        _ = FileManager.default.createFile(atPath: tmp.appendingPathComponent("\(dead.lastPathComponent).lock").path, contents: nil)
        let live = try ScratchArea(in: data)
        #expect(try ScratchArea.sweepAbandoned(in: data) == 1)
        #expect(try entries() == [live.directory.lastPathComponent, "\(live.directory.lastPathComponent).lock"])
        live.release()
    }

    @Test func whatWritesLeftBeforeAreasExistedIsSwept() throws {
        defer { try? FileManager.default.removeItem(at: data) }
        try FileManager.default.createDirectory(at: tmp.appendingPathComponent("objects-1/pack"), withIntermediateDirectories: true)
        try write("upload-4", in: tmp)
        #expect(try ScratchArea.sweepAbandoned(in: data) == 2)
        #expect(try entries().isEmpty)
    }

    @Test func anAreaOfAHubThatWasNotReleasedIsSweptOnceItsOwnerIsGone() throws {
        defer { try? FileManager.default.removeItem(at: data) }
        var owner: ScratchArea? = try ScratchArea(in: data)
        let folder = try #require(owner?.directory)
        try write("upload-5", in: folder)
        #expect(try ScratchArea.sweepAbandoned(in: data) == 0)
        owner = nil  // the process's descriptor closes, as when it exits: the lock is free
        #expect(try ScratchArea.sweepAbandoned(in: data) == 1)
        #expect(try entries().isEmpty)
    }
}
