import ArgumentParser
import HubServices

struct FsckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fsck",
        abstract: "Check that the index, the repositories and the stored objects agree; safe while the server runs.",
        discussion: """
            Every repository in the index has its folder and every folder its row; every ref leads \
            to a commit; the index's head is the default branch's; every LFS object a commit of a \
            branch or tag points to is held (objects deleted on purpose with \
            permanently_delete_lfs_files are listed as deleted, not as damage). With --objects, \
            every stored object is read whole and hashed. Changes nothing unless --repair, which \
            reads stale heads again from git. Exits 1 when damage remains.
            """)

    @OptionGroup var data: DataDirectoryOption

    @Flag(help: "Also read every stored LFS object and check its bytes hash to its name.")
    var objects = false

    @Flag(help: "Repair what can be repaired safely (a head the index has behind git).")
    var repair = false

    func run() async throws {
        var damaged = false
        try await data.run { hub in
            let report = try await hub.checkConsistency(objects: objects, repair: repair)
            for finding in report.findings {
                print(finding)
            }
            let objectsRead = objects ? ", \(report.objects) objects read" : ""
            let damage = report.findings.filter { $0.isDamage && !$0.repaired }.count
            print("checked \(report.repositories) repositories\(objectsRead): \(damage) problems"
                + (repair ? ", \(report.findings.filter(\.repaired).count) repaired" : ""))
            damaged = report.damaged
        }
        if damaged { throw ExitCode(1) }
    }
}
