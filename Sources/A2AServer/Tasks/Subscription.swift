import A2A
import AsyncPrimitives
import Synchronization

/// One subscriber's bounded queue of a task's events.
///
/// The task's run pushes events; the subscriber's HTTP stream takes everything queued at
/// once and writes it in one go. When the queue reaches its capacity the run (and so the
/// agent) waits until the subscriber has drained it below half: a slow subscriber slows the
/// agent, and memory per subscriber stays bounded (see ``TaskRun`` for the drop rule).
final class Subscription: Sendable {
    /// What the queue holds.
    enum Item: Sendable {
        case event(StreamResponse)
        /// Nothing happened for the keep-alive interval: write an SSE comment.
        case keepAlive
    }

    /// Why a subscription ended.
    enum End: Sendable, Equatable {
        /// The stream reached a terminal or interrupted state, or the run ended.
        case completed
        /// The subscriber did not keep up and was dropped.
        case dropped
        /// The consumer was cancelled.
        case cancelled
    }

    /// A batch for the consumer.
    struct Batch {
        var items: [Item]
        var end: End?
    }

    private struct State {
        var items: [Item] = []
        var events = 0
        var end: End?
        var consumer = WaiterSet<Void, Void>()
        var producer = WaiterSet<Void, Void>()
        var lastActivity: ContinuousClock.Instant
    }

    let capacity: Int
    private let state: Mutex<State>

    init(capacity: Int) {
        self.capacity = max(2, capacity)
        state = Mutex(State(lastActivity: .now))
    }

    /// Queues an event. Returns `true` when the queue is full and the producer should wait
    /// (``waitForSpace()``) before sending more.
    func push(_ event: StreamResponse) -> Bool {
        let (consumer, full) = state.withLock { s -> (WaiterSet<Void, Void>, Bool) in
            guard s.end == nil else { return (WaiterSet(), false) }
            s.items.append(.event(event))
            s.events += 1
            s.lastActivity = .now
            return (s.consumer.removeAll(), s.events >= capacity)
        }
        consumer.resumeAll(returning: ())
        return full
    }

    /// Queues a keep-alive if nothing was queued for `interval`; returns how long to wait
    /// before asking again.
    func keepAliveIfIdle(_ interval: Duration) -> Duration {
        let (consumer, wait) = state.withLock { s -> (WaiterSet<Void, Void>, Duration) in
            let idle = ContinuousClock.now - s.lastActivity
            guard s.end == nil, idle >= interval else { return (WaiterSet(), interval - idle) }
            s.items.append(.keepAlive)
            s.lastActivity = .now
            return (s.consumer.removeAll(), interval)
        }
        consumer.resumeAll(returning: ())
        return wait
    }

    /// Ends the subscription; queued events are still delivered.
    func finish(_ end: End) {
        let woken = state.withLock { s in
            if s.end == nil { s.end = end }
            return s.consumer.removeAll() + s.producer.removeAll()
        }
        woken.resumeAll(returning: ())
    }

    var isFinished: Bool { state.withLock { $0.end != nil } }

    /// Takes everything queued, waiting while the queue is empty. The batch's `end` is set
    /// once the subscription has ended and everything before the end has been taken.
    func next() async -> Batch {
        while true {
            let (batch, producer) = state.withLock { s -> (Batch?, WaiterSet<Void, Void>) in
                guard !s.items.isEmpty || s.end != nil else { return (nil, WaiterSet()) }
                let b = Batch(items: s.items, end: s.end)
                s.items = []
                s.items.reserveCapacity(min(b.items.count, 256))
                s.events = 0
                return (b, s.producer.removeAll())
            }
            producer.resumeAll(returning: ())
            if let batch { return batch }
            do {
                try await state.park(in: \.consumer) { s in !s.items.isEmpty || s.end != nil ? .success(()) : nil }
            } catch {
                finish(.cancelled)
            }
        }
    }

    /// Waits until the consumer has drained the queue below half its capacity, the
    /// subscription ends, or the current task is cancelled.
    func waitForSpace() async {
        let capacity = self.capacity
        _ = try? await state.park(in: \.producer) { s in
            s.events <= capacity / 2 || s.end != nil ? .success(()) : nil
        }
    }
}
