import A2A

/// A bounded in-memory ``TaskStore``.
///
/// Finished tasks (terminal, or interrupted and waiting for input) expire `finishedTaskTTL`
/// after they finished; when more than `maxTasks` are stored, or the finished ones take more
/// than `maxFinishedBytes`, the oldest finished ones are evicted first (the newest finished
/// task is always kept, however large, so a client can read the task it just ran). Running
/// tasks are never evicted (their number is bounded by the requests that started them).
public actor InMemoryTaskStore: TaskStore {
    private struct Entry {
        var task: A2ATask
        var sequence: UInt64
        var finishedAt: ContinuousClock.Instant?
        /// ``A2ATask/estimatedBytes`` when finished, else 0.
        var bytes: Int
    }

    /// Keep at most this many tasks (running ones excepted).
    public let maxTasks: Int
    /// Forget a finished task this long after it finished.
    public let finishedTaskTTL: Duration
    /// Keep finished tasks up to about this many bytes in all (their text and data).
    public let maxFinishedBytes: Int

    private var entries: [String: Entry] = [:]
    private var finishedBytes = 0
    private var nextSequence: UInt64 = 1
    private var lastSweep = ContinuousClock.now
    private let clock = ContinuousClock()

    /// The default byte budget for finished tasks: 256 MiB.
    public static let defaultMaxFinishedBytes = 256 << 20

    /// Creates a store.
    public init(maxTasks: Int = 10_000, finishedTaskTTL: Duration = .seconds(3600), maxFinishedBytes: Int = InMemoryTaskStore.defaultMaxFinishedBytes) {
        self.maxTasks = max(1, maxTasks)
        self.finishedTaskTTL = finishedTaskTTL
        self.maxFinishedBytes = max(0, maxFinishedBytes)
    }

    /// The number of stored tasks.
    public var count: Int { entries.count }

    /// The estimated bytes of the finished tasks kept.
    public var storedFinishedBytes: Int { finishedBytes }

    public func task(id: String) -> A2ATask? {
        guard let e = entries[id] else { return nil }
        if let f = e.finishedAt, clock.now - f > finishedTaskTTL {
            remove(id)
            return nil
        }
        return e.task
    }

    public func save(_ task: A2ATask) {
        let finished = task.status.state.endsStream
        let now = clock.now
        let bytes = finished ? task.estimatedBytes : 0
        if var e = entries[task.id] {
            finishedBytes -= e.bytes
            e.task = task
            e.finishedAt = finished ? (e.finishedAt ?? now) : nil
            e.bytes = bytes
            entries[task.id] = e
        } else {
            entries[task.id] = Entry(task: task, sequence: nextSequence, finishedAt: finished ? now : nil, bytes: bytes)
            nextSequence += 1
        }
        finishedBytes += bytes
        if entries.count > maxTasks || finishedBytes > maxFinishedBytes || now - lastSweep > .seconds(1) {
            sweep(now: now, keeping: finished ? task.id : nil)
        }
    }

    private func remove(_ id: String) {
        if let e = entries.removeValue(forKey: id) { finishedBytes -= e.bytes }
    }

    /// Removes expired tasks, then the oldest finished ones while over `maxTasks` or
    /// `maxFinishedBytes` (never `keeping`, the task that just finished).
    private func sweep(now: ContinuousClock.Instant, keeping: String?) {
        lastSweep = now
        for (id, e) in entries {
            if let f = e.finishedAt, now - f > finishedTaskTTL { remove(id) }
        }
        guard entries.count > maxTasks || finishedBytes > maxFinishedBytes else { return }
        let finished = entries.filter { $0.value.finishedAt != nil && $0.key != keeping }
            .sorted { ($0.value.finishedAt!, $0.value.sequence) < ($1.value.finishedAt!, $1.value.sequence) }
        for (id, _) in finished {
            guard entries.count > maxTasks || finishedBytes > maxFinishedBytes else { break }
            remove(id)
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

extension A2ATask {
    /// About how many bytes the task takes in memory: its text, data and file parts (artifacts
    /// and history) plus a fixed allowance per object. An estimate for byte budgets, not an
    /// exact measure.
    public var estimatedBytes: Int {
        func bytes(_ parts: [Part]) -> Int {
            parts.reduce(0) { sum, part in
                switch part.content {
                case .text(let t): sum + t.utf8.count + 64
                case .raw(let d): sum + d.count + 64
                case .url(let u): sum + u.utf8.count + 64
                case .data(let v): sum + JSONWriter.string(v).utf8.count + 64
                }
            }
        }
        var total = 512 + id.utf8.count + contextId.utf8.count
        for a in artifacts { total += 128 + bytes(a.parts) }
        for m in history { total += 128 + bytes(m.parts) }
        if let m = status.message { total += 128 + bytes(m.parts) }
        return total
    }
}
