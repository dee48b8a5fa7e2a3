import Foundation

/// A small in-process cache for values whose key names everything they depend on (a commit id,
/// an index version). It only saves work: every instance computes the same values, and losing
/// it loses nothing. Oldest entries go first once `capacity` (in cost units) is exceeded.
public final class BoundedCache<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: (value: Value, cost: Int)] = [:]
    /// Keys oldest first; `order[..<oldest]` were already evicted (dropped in bulk, so an
    /// eviction does not shift the whole array).
    private var order: [String] = []
    private var oldest = 0
    private var totalCost = 0
    public let capacity: Int

    public init(capacity: Int) {
        self.capacity = capacity
    }

    public func value(for key: String) -> Value? {
        lock.withLock { values[key]?.value }
    }

    public func store(_ value: Value, for key: String, cost: Int = 1) {
        guard cost <= capacity else { return }
        lock.withLock {
            if let old = values[key] {
                totalCost -= old.cost
            } else {
                order.append(key)
            }
            values[key] = (value, cost)
            totalCost += cost
            while totalCost > capacity, oldest < order.count {
                if let evicted = values.removeValue(forKey: order[oldest]) { totalCost -= evicted.cost }
                oldest += 1
            }
            if oldest > 1024, oldest * 2 > order.count {
                order.removeFirst(oldest)
                oldest = 0
            }
        }
    }
}
