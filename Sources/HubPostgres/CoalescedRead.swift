import Synchronization

/// One database read shared by every caller that asks while it is being awaited, without ever
/// answering a caller with a value read before it asked.
///
/// Every request reads the index version before trusting a cached row, and under load most of a
/// request's cost on PostgreSQL is that round trip. A caller that arrives while a read is in
/// flight cannot take that read's answer (it may predate a commit the caller already saw), so it
/// waits for the next read, which starts when the current one ends and answers everyone who
/// arrived meanwhile: at most one read in flight, each caller answered by a read that began after
/// it arrived, as a group commit batches writers.
final class CoalescedRead<Value: Sendable>: Sendable {
    private struct State {
        var reading = false
        var next: [CheckedContinuation<Value, any Error>] = []
    }

    private let read: @Sendable () async throws -> Value
    private let state = Mutex(State())

    init(_ read: @escaping @Sendable () async throws -> Value) {
        self.read = read
    }

    func value() async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let startNow = state.withLock { state -> Bool in
                state.next.append(continuation)
                guard !state.reading else { return false }
                state.reading = true
                return true
            }
            if startNow { startRead() }
        }
    }

    /// Takes everyone waiting and reads for them; when the read ends, the next group (if any)
    /// gets a read of its own.
    private func startRead() {
        let group = state.withLock { state in
            defer { state.next = [] }
            return state.next
        }
        Task {
            let result: Result<Value, any Error>
            do {
                result = .success(try await read())
            } catch {
                result = .failure(error)
            }
            for waiter in group { waiter.resume(with: result) }
            let more = state.withLock { state -> Bool in
                if state.next.isEmpty { state.reading = false }
                return !state.next.isEmpty
            }
            if more { startRead() }
        }
    }
}
