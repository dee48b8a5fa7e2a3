import Synchronization
import Testing

@testable import HubPostgres

/// The index version read shared by concurrent requests: fewer reads, never a stale answer.
@Suite struct CoalescedReadTests {
    /// Reads numbered in the order they begin, each taking a little while.
    final class NumberedReads: Sendable {
        struct Counts {
            var begun = 0
            var inFlight = 0
            var mostInFlight = 0
        }
        let counts = Mutex(Counts())
        let failing = Mutex(false)

        func read() async throws -> Int {
            let number = counts.withLock { counts in
                counts.begun += 1
                counts.inFlight += 1
                counts.mostInFlight = max(counts.mostInFlight, counts.inFlight)
                return counts.begun
            }
            try await Task.sleep(for: .milliseconds(2))
            counts.withLock { $0.inFlight -= 1 }
            if failing.withLock({ $0 }) { throw CancellationError() }
            return number
        }

        var begun: Int { counts.withLock { $0.begun } }
    }

    @Test func everyCallerIsAnsweredByAReadThatBeganAfterItAsked() async throws {
        let reads = NumberedReads()
        let shared = CoalescedRead { try await reads.read() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<300 {
                group.addTask {
                    try await Task.sleep(for: .microseconds(caller * 40))
                    let begunBefore = reads.begun
                    let answer = try await shared.value()
                    // Answered by a read already under way when it asked would be `<=`.
                    #expect(answer > begunBefore)
                }
            }
            try await group.waitForAll()
        }
        #expect(reads.counts.withLock { $0.mostInFlight } == 1)
        #expect(reads.begun < 300)
    }

    @Test func aFailedReadFailsItsCallersAndTheNextCallReadsAgain() async throws {
        let reads = NumberedReads()
        let shared = CoalescedRead { try await reads.read() }
        reads.failing.withLock { $0 = true }
        await #expect(throws: CancellationError.self) { try await shared.value() }
        reads.failing.withLock { $0 = false }
        #expect(try await shared.value() == 2)
    }
}
