/// Runs one piece of work per key at a time in this process: callers that ask for a key while
/// its work runs wait for that run's result instead of starting another (32 clients asking a
/// mirror for the same new file at once make one upstream download).
actor SingleFlight<Key: Hashable & Sendable, Value: Sendable> {
    private var running: [Key: Task<Value, any Error>] = [:]

    func run(_ key: Key, _ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        if let task = running[key] { return try await task.value }
        // Unstructured: a caller that goes away does not cancel the others' work.
        let task = Task { try await work() }
        running[key] = task
        defer { running[key] = nil }
        return try await task.value
    }
}
