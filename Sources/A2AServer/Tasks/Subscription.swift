import A2A
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
        var consumer: CheckedContinuation<Void, Never>?
        var producer: CheckedContinuation<Void, Never>?
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
        let (consumer, full): (CheckedContinuation<Void, Never>?, Bool) = state.withLock { s in
            guard s.end == nil else { return (nil, false) }
            s.items.append(.event(event))
            s.events += 1
            s.lastActivity = .now
            let c = s.consumer
            s.consumer = nil
            return (c, s.events >= capacity)
        }
        consumer?.resume()
        return full
    }

    /// Queues a keep-alive if nothing was queued for `interval`; returns how long to wait
    /// before asking again.
    func keepAliveIfIdle(_ interval: Duration) -> Duration {
        let (consumer, wait): (CheckedContinuation<Void, Never>?, Duration) = state.withLock { s in
            let idle = ContinuousClock.now - s.lastActivity
            guard s.end == nil, idle >= interval else { return (nil, interval - idle) }
            s.items.append(.keepAlive)
            s.lastActivity = .now
            let c = s.consumer
            s.consumer = nil
            return (c, interval)
        }
        consumer?.resume()
        return wait
    }

    /// Ends the subscription; queued events are still delivered.
    func finish(_ end: End) {
        let (consumer, producer) = state.withLock { s in
            if s.end == nil { s.end = end }
            let c = (s.consumer, s.producer)
            s.consumer = nil
            s.producer = nil
            return c
        }
        consumer?.resume()
        producer?.resume()
    }

    var isFinished: Bool { state.withLock { $0.end != nil } }

    /// Takes everything queued, waiting while the queue is empty. The batch's `end` is set
    /// once the subscription has ended and everything before the end has been taken.
    func next() async -> Batch {
        while true {
            let (batch, producer): (Batch?, CheckedContinuation<Void, Never>?) = state.withLock { s in
                guard !s.items.isEmpty || s.end != nil else { return (nil, nil) }
                let b = Batch(items: s.items, end: s.end)
                s.items = []
                s.items.reserveCapacity(min(b.items.count, 256))
                s.events = 0
                let p = s.producer
                s.producer = nil
                return (b, p)
            }
            producer?.resume()
            if let batch { return batch }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let ready = state.withLock { s in
                        if !s.items.isEmpty || s.end != nil || Task.isCancelled { return true }
                        s.consumer = c
                        return false
                    }
                    if ready { c.resume() }
                }
            } onCancel: {
                self.finish(.cancelled)
            }
        }
    }

    /// Waits until the consumer has drained the queue below half its capacity, the
    /// subscription ends, or the current task is cancelled.
    func waitForSpace() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { s in
                    if s.events <= capacity / 2 || s.end != nil || Task.isCancelled { return true }
                    s.producer = c
                    return false
                }
                if ready { c.resume() }
            }
        } onCancel: {
            let p = state.withLock { s in
                let p = s.producer
                s.producer = nil
                return p
            }
            p?.resume()
        }
    }
}
