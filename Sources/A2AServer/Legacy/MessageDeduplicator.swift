import Synchronization

/// Remembers which task each python-a2a `message_id` started, for a short while, so that a
/// client's retries (a new URL, a timeout, `StreamingClient`'s re-POST after an error) join
/// the existing run instead of starting the work again (a2a-wire.md §8.3). Bounded: at most
/// `capacity` ids, each for `window`.
final class MessageDeduplicator: Sendable {
    private struct Entry {
        var taskId: String
        var expires: ContinuousClock.Instant
    }

    private let window: Duration
    private let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(window: Duration, capacity: Int) {
        self.window = window
        self.capacity = max(1, capacity)
    }

    /// The task a message id started, if remembered.
    func taskId(for messageId: String) -> String? {
        guard !messageId.isEmpty else { return nil }
        return entries.withLock { map in
            guard let e = map[messageId] else { return nil }
            if e.expires < .now {
                map[messageId] = nil
                return nil
            }
            return e.taskId
        }
    }

    /// Remembers that a message id started a task.
    func remember(_ messageId: String, taskId: String) {
        guard !messageId.isEmpty else { return }
        let now = ContinuousClock.now
        entries.withLock { map in
            if map.count >= capacity {
                map = map.filter { $0.value.expires >= now }
                while map.count >= capacity, let oldest = map.min(by: { $0.value.expires < $1.value.expires }) {
                    map[oldest.key] = nil
                }
            }
            map[messageId] = Entry(taskId: taskId, expires: now + window)
        }
    }
}
