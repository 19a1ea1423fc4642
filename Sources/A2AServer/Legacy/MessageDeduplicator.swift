import Synchronization

/// Remembers which task each python-a2a `message_id` started, for a short while, so that a
/// client's retries (a new URL, a timeout, `StreamingClient`'s re-POST after an error) join
/// the existing run instead of starting the work again (a2a-wire.md §8.3). Bounded: at most
/// `capacity` ids, each for `window`.
///
/// Claiming is atomic: of two requests with the same id arriving together, one starts the run
/// (``Claim/start``) and the other waits until that run is registered, then joins it. The
/// wait is short (starting a run does not wait for the agent) and ends when the first
/// request resolves or abandons its claim.
final class MessageDeduplicator: Sendable {
    /// What a request with a message id should do.
    enum Claim: Equatable {
        /// Start the run, then ``resolve(_:taskId:)`` (or ``abandon(_:)`` if it cannot start).
        case start
        /// Join the run of this task.
        case join(taskId: String)
    }

    private struct Entry {
        /// `nil` while the request that claimed the id is starting its run.
        var taskId: String?
        var expires: ContinuousClock.Instant
        var waiters: [CheckedContinuation<String?, Never>] = []
    }

    private let window: Duration
    private let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(window: Duration, capacity: Int) {
        self.window = window
        self.capacity = max(1, capacity)
    }

    /// Claims a message id: `.start` for the first request, `.join` for the next ones (they wait
    /// while the first is still starting). An empty id is never deduplicated.
    func claim(_ messageId: String) async -> Claim {
        guard !messageId.isEmpty else { return .start }
        while true {
            enum Step { case start, join(String), wait }
            let now = ContinuousClock.now
            let step = entries.withLock { map -> Step in
                if let e = map[messageId], e.taskId == nil || e.expires >= now {
                    if let id = e.taskId { return .join(id) }
                    return .wait
                }
                evictIfFull(&map, now: now)
                map[messageId] = Entry(taskId: nil, expires: now + window)
                return .start
            }
            switch step {
            case .start: return .start
            case .join(let id): return .join(taskId: id)
            case .wait:
                let resolved = await withCheckedContinuation { (c: CheckedContinuation<String?, Never>) in
                    let ready = entries.withLock { map -> String?? in
                        guard var e = map[messageId], e.taskId == nil else { return .some(map[messageId]?.taskId) }
                        e.waiters.append(c)
                        map[messageId] = e
                        return .none
                    }
                    if let ready { c.resume(returning: ready) }
                }
                if let id = resolved { return .join(taskId: id) }
                // The first request gave up (its run did not start): claim again.
            }
        }
    }

    /// The run of a claimed id started as `taskId`: waiting requests join it.
    func resolve(_ messageId: String, taskId: String) {
        guard !messageId.isEmpty else { return }
        let waiters = entries.withLock { map -> [CheckedContinuation<String?, Never>] in
            let waiters = map[messageId]?.waiters ?? []
            map[messageId] = Entry(taskId: taskId, expires: .now + window)
            return waiters
        }
        for w in waiters { w.resume(returning: taskId) }
    }

    /// The run of a claimed id could not start: the id is forgotten and waiting requests try
    /// again themselves.
    func abandon(_ messageId: String) {
        guard !messageId.isEmpty else { return }
        let waiters = entries.withLock { map -> [CheckedContinuation<String?, Never>] in
            guard let e = map[messageId], e.taskId == nil else { return [] }
            map[messageId] = nil
            return e.waiters
        }
        for w in waiters { w.resume(returning: nil) }
    }

    /// How many requests wait for the run of a claimed id to start (for tests).
    func waiting(for messageId: String) -> Int {
        entries.withLock { $0[messageId]?.waiters.count ?? 0 }
    }

    /// Drops expired ids, then the oldest, until there is room. Ids still being started stay.
    private func evictIfFull(_ map: inout [String: Entry], now: ContinuousClock.Instant) {
        guard map.count >= capacity else { return }
        map = map.filter { $0.value.taskId == nil || $0.value.expires >= now }
        while map.count >= capacity,
              let oldest = map.filter({ $0.value.taskId != nil }).min(by: { $0.value.expires < $1.value.expires }) {
            map[oldest.key] = nil
        }
    }
}
