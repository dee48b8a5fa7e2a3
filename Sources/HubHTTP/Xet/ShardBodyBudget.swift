import HubCore
import Hummingbird
import Synchronization
import XetCore

/// How many bytes of shard bodies the whole hub holds in memory at once. A shard is parsed from
/// memory (it is small: about 16 KiB per 20 MiB file uploaded), but one may be up to 64 MiB, and
/// a client may send many at once: past the budget the answer is a 429 with `Retry-After`, which
/// hf_xet retries (hub-docs `docs/xet/api.md`, "Error handling"), instead of the process growing
/// without bound.
final class ShardBodyBudget: Sendable {
    let capacity: Int
    private let used = Mutex(0)

    init(capacity: Int = 256 << 20) {
        self.capacity = capacity
    }

    /// Collects the body of `request` (at most `Shard.maxSize` bytes), holding its declared
    /// length (or the most a shard may be, when it declares none) from the budget until `body`
    /// returns.
    func withBody<T>(of request: Request, _ body: ([UInt8]) async throws -> T) async throws -> T {
        let (bytes, reserved) = try await collect(request)
        defer { release(reserved) }
        return try await body(bytes)
    }

    /// Collects the body of `request` and reserves its size; the caller releases it with
    /// `release` once the shard is no longer held.
    func collect(_ request: Request) async throws -> (bytes: [UInt8], reserved: Int) {
        let declared = request.headers[.contentLength].flatMap { Int($0) }
        if let declared, declared > Shard.maxSize {
            throw HubError.payloadTooLarge("A shard is at most \(Shard.maxSize) bytes")
        }
        let reserved = max(0, declared ?? Shard.maxSize)
        let granted = used.withLock { used in
            guard used + reserved <= capacity else { return false }
            used += reserved
            return true
        }
        guard granted else {
            throw HubError.tooManyRequests("The hub is checking many shards at once: send this one again shortly")
        }
        do {
            let buffer = try await request.body.collect(upTo: reserved)
            return (Array(buffer: buffer), reserved)
        } catch {
            release(reserved)
            throw error
        }
    }

    func release(_ reserved: Int) {
        used.withLock { $0 -= reserved }
    }

    /// A reservation that ends once: when `end` is called, or when it is dropped (an answer
    /// whose body is never written).
    final class Lease: Sendable {
        let budget: ShardBodyBudget
        let bytes: Int
        private let ended = Atomic<Bool>(false)

        init(budget: ShardBodyBudget, bytes: Int) {
            self.budget = budget
            self.bytes = bytes
        }

        func end() {
            if !ended.exchange(true, ordering: .acquiringAndReleasing) { budget.release(bytes) }
        }

        deinit {
            end()
        }
    }
}
