import Foundation
import HubIndex
import Synchronization

/// Downloads counted in memory and written to the index together, a moment later.
///
/// Every `config.json` that `from_pretrained` or a CI job fetches is a download. Written one by
/// one, each was a synced transaction: those requests ran at the disk's sync rate, and since any
/// commit makes every cached index read stale, each one also emptied the caches. Now a burst of
/// downloads costs one transaction per `delay`. A crash loses at most the counts of that last
/// moment (they are statistics, not anything a client asked to store); a clean stop writes them.
public final class DownloadTally: Sendable {
    private struct State {
        var counts: [Int64: Int] = [:]
        var flushScheduled = false
    }

    private let state = Mutex(State())
    private let store: any CounterStore
    let delay: Duration

    init(store: any CounterStore, delay: Duration = .milliseconds(250)) {
        self.store = store
        self.delay = delay
    }

    /// Counts one download; it reaches the index within `delay`.
    func add(repoRowID: Int64) {
        let schedule = state.withLock { state in
            state.counts[repoRowID, default: 0] += 1
            defer { state.flushScheduled = true }
            return !state.flushScheduled
        }
        if schedule {
            Task {
                try? await Task.sleep(for: delay)
                // A failed write keeps its counts for the next one.
                try? await flush()
            }
        }
    }

    /// Writes every count not yet written.
    public func flush() async throws {
        let counts = state.withLock { state in
            defer { state = State() }
            return state.counts
        }
        guard !counts.isEmpty else { return }
        do {
            try await store.recordDownloads(counts)
        } catch {
            state.withLock { state in
                for (repoRowID, count) in counts { state.counts[repoRowID, default: 0] += count }
            }
            throw error
        }
    }
}
