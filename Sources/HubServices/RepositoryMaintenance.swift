import Foundation
import HubGit

/// Repacks repositories in the background after they change (a push, an API commit), one at a
/// time for the whole hub so serving keeps the CPU, never two at once on one repository, and
/// never started while a push into that repository is in flight (the push's end schedules it).
/// A push that begins during a repack is safe: the repack deletes only the packs it rewrote and
/// keeps unreachable objects (`GitRepacker`). Each repository changed while it waited is
/// repacked once.
actor RepositoryMaintenance {
    private var pending: [URL] = []
    private var pushesInFlight: [URL: Int] = [:]
    private var worker: Task<Void, Never>?

    func pushStarted(_ repository: URL) {
        pushesInFlight[repository, default: 0] += 1
    }

    func pushEnded(_ repository: URL) {
        pushesInFlight[repository, default: 1] -= 1
        if pushesInFlight[repository] == 0 { pushesInFlight[repository] = nil }
        schedule(repository)
    }

    func schedule(_ repository: URL) {
        if !pending.contains(repository) { pending.append(repository) }
        guard worker == nil else { return }
        worker = Task { await self.work() }
    }

    /// Waits for the repacks scheduled so far (tests, and a clean stop).
    func drain() async {
        await worker?.value
    }

    /// Drops the repacks not started yet and waits for the running one (a clean stop: git is
    /// left to finish rather than killed half-way, which would be safe but leave temporary files).
    func stop() async {
        pending.removeAll()
        await worker?.value
    }

    private func work() async {
        while !pending.isEmpty {
            let next = pending.removeFirst()
            if pushesInFlight[next, default: 0] > 0 {
                // Its push will schedule it again when it ends.
                continue
            }
            guard GitRepacker.needsRepack(next) else { continue }
            // A failed repack leaves the repository as it was; the next change tries again.
            try? await GitRepacker.repack(next)
        }
        worker = nil
    }
}
