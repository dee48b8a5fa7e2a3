import HubCore
import Synchronization

/// One thing a hub needs to serve, and whether it answered.
public struct ReadinessCheck: Sendable, Equatable {
    public let name: String
    /// Why it failed; nil when it passed.
    public let failure: String?

    public var passed: Bool { failure == nil }

    /// Runs `check`, failing it when it throws or has not finished after `timeout`. A check that
    /// hangs (a database that stopped answering) is left running on its own: the probe answers.
    static func run(_ name: String, timeout: Duration, _ check: @escaping @Sendable () async throws -> Void) async
        -> ReadinessCheck
    {
        await withCheckedContinuation { continuation in
            let answer = FirstAnswer(continuation)
            Task {
                do {
                    try await check()
                    answer.give(ReadinessCheck(name: name, failure: nil))
                } catch let error as HubError {
                    answer.give(ReadinessCheck(name: name, failure: error.message))
                } catch {
                    answer.give(ReadinessCheck(name: name, failure: String(describing: error)))
                }
            }
            Task {
                try? await Task.sleep(for: timeout)
                answer.give(ReadinessCheck(name: name, failure: "no answer within \(timeout)"))
            }
        }
    }
}

/// Resumes a continuation with the first of several answers; the later ones are dropped.
private final class FirstAnswer: Sendable {
    private let continuation: Mutex<CheckedContinuation<ReadinessCheck, Never>?>

    init(_ continuation: CheckedContinuation<ReadinessCheck, Never>) {
        self.continuation = Mutex(continuation)
    }

    func give(_ check: ReadinessCheck) {
        continuation.withLock { waiting in
            waiting?.resume(returning: check)
            waiting = nil
        }
    }
}
