import ArgumentParser
import HubServices

struct GCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Delete the weights nothing can read any more; safe while the server runs.",
        discussion: """
            Unbinds files uploaded through Xet that no commit points to, deletes Xet files no \
            repository is bound to (deleted repositories), and the xorbs no remaining file needs. \
            LFS objects no repository is bound to any more are noted on one run and deleted on a \
            run at least the grace period later. Runs `git gc --auto` on every repository. Only \
            what is older than the grace period goes, so uploads in flight are never touched.
            """)

    @OptionGroup var data: DataDirectoryOption

    @Option(help: "Keep anything uploaded or used within this long: 90s, 30m, 12h, 7d, or 0.")
    var grace: String = "7d"

    @Flag(name: .customLong("dry-run"), help: "Report what would be deleted; change nothing.")
    var dryRun = false

    func run() async throws {
        guard let seconds = Self.seconds(grace) else {
            throw ValidationError("--grace is a number followed by s, m, h or d (for example 7d), or 0")
        }
        try await data.run { hub in
            let report = try await hub.collectGarbage(grace: seconds, dryRun: dryRun)
            let verb = dryRun ? "would delete" : "deleted"
            print("\(verb) \(report.xorbs) xorbs (\(report.bytes) bytes), \(report.files) Xet files; "
                + "\(dryRun ? "would unbind" : "unbound") \(report.uncommittedUploads) uncommitted uploads")
            print("\(verb) \(report.lfsObjects) LFS objects (\(report.lfsBytes) bytes) no repository has held for the grace period; "
                + "\(dryRun ? "would note" : "noted") \(report.lfsObjectsMarked) newly unheld, deleted after the grace period; "
                + "\(dryRun ? "would run" : "ran") git gc --auto on \(report.repositories) repositories")
        }
    }

    /// "90s", "30m", "12h", "7d" or "0" in seconds.
    static func seconds(_ text: String) -> Double? {
        if text == "0" { return 0 }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        guard let unit = text.last.flatMap({ units[$0] }), let count = Double(text.dropLast()), count >= 0 else {
            return nil
        }
        // At most a century: the cutoff becomes a date the index stores in milliseconds.
        let seconds = count * unit
        return seconds.isFinite && seconds <= 100 * 365 * 86_400 ? seconds : nil
    }
}
