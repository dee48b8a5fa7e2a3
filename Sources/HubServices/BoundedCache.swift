import Foundation

/// A small in-process cache for values that never go stale because their key names immutable
/// content (a commit id). It only saves work: every instance computes the same values, and
/// losing it loses nothing. Oldest entries go first once `capacity` (in cost units) is exceeded.
final class BoundedCache<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: (value: Value, cost: Int)] = [:]
    private var order: [String] = []
    private var totalCost = 0
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    func value(for key: String) -> Value? {
        lock.withLock { values[key]?.value }
    }

    func store(_ value: Value, for key: String, cost: Int = 1) {
        guard cost <= capacity else { return }
        lock.withLock {
            if let old = values[key] {
                totalCost -= old.cost
            } else {
                order.append(key)
            }
            values[key] = (value, cost)
            totalCost += cost
            while totalCost > capacity, !order.isEmpty {
                let oldest = order.removeFirst()
                if let evicted = values.removeValue(forKey: oldest) { totalCost -= evicted.cost }
            }
        }
    }
}
