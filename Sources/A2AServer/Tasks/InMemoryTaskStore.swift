import A2A

/// A bounded in-memory ``TaskStore``.
///
/// Finished tasks (terminal, or interrupted and waiting for input) expire `finishedTaskTTL`
/// after they finished, and when more than `maxTasks` are stored the oldest finished ones are
/// evicted first. Running tasks are never evicted (their number is bounded by the requests
/// that started them).
public actor InMemoryTaskStore: TaskStore {
    private struct Entry {
        var task: A2ATask
        var sequence: UInt64
        var finishedAt: ContinuousClock.Instant?
    }

    /// Keep at most this many tasks (running ones excepted).
    public let maxTasks: Int
    /// Forget a finished task this long after it finished.
    public let finishedTaskTTL: Duration

    private var entries: [String: Entry] = [:]
    private var nextSequence: UInt64 = 1
    private var lastSweep = ContinuousClock.now
    private let clock = ContinuousClock()

    /// Creates a store.
    public init(maxTasks: Int = 10_000, finishedTaskTTL: Duration = .seconds(3600)) {
        self.maxTasks = max(1, maxTasks)
        self.finishedTaskTTL = finishedTaskTTL
    }

    /// The number of stored tasks.
    public var count: Int { entries.count }

    public func task(id: String) -> A2ATask? {
        guard let e = entries[id] else { return nil }
        if let f = e.finishedAt, clock.now - f > finishedTaskTTL {
            entries[id] = nil
            return nil
        }
        return e.task
    }

    public func save(_ task: A2ATask) {
        let finished = task.status.state.endsStream
        let now = clock.now
        if var e = entries[task.id] {
            e.task = task
            e.finishedAt = finished ? (e.finishedAt ?? now) : nil
            entries[task.id] = e
        } else {
            entries[task.id] = Entry(task: task, sequence: nextSequence, finishedAt: finished ? now : nil)
            nextSequence += 1
        }
        if entries.count > maxTasks || now - lastSweep > .seconds(1) {
            sweep(now: now)
        }
    }

    /// Removes expired tasks, then the oldest finished ones while over `maxTasks`.
    private func sweep(now: ContinuousClock.Instant) {
        lastSweep = now
        entries = entries.filter { _, e in
            guard let f = e.finishedAt else { return true }
            return now - f <= finishedTaskTTL
        }
        guard entries.count > maxTasks else { return }
        let finished = entries.filter { $0.value.finishedAt != nil }
            .sorted { ($0.value.finishedAt!, $0.value.sequence) < ($1.value.finishedAt!, $1.value.sequence) }
        var excess = entries.count - maxTasks
        for (id, _) in finished where excess > 0 {
            entries[id] = nil
            excess -= 1
        }
    }

    public func list(_ query: TaskStoreQuery) throws(TaskStoreError) -> TaskStorePage {
        var before = UInt64.max
        if let token = query.pageToken, !token.isEmpty {
            guard let n = UInt64(token, radix: 16) else { throw .invalidPageToken(token) }
            before = n
        }
        let now = clock.now
        let matching = entries.values.filter { e in
            if let f = e.finishedAt, now - f > finishedTaskTTL { return false }
            if let c = query.contextId, e.task.contextId != c { return false }
            if let s = query.state, e.task.status.state != s { return false }
            return true
        }.sorted { $0.sequence > $1.sequence }
        let page = matching.lazy.filter { $0.sequence < before }.prefix(max(1, query.pageSize))
        let tasks = page.map(\.task)
        var next: String?
        if let last = page.last, matching.contains(where: { $0.sequence < last.sequence }) {
            next = String(last.sequence, radix: 16)
        }
        return TaskStorePage(tasks: Array(tasks), nextPageToken: next, totalSize: matching.count)
    }
}
