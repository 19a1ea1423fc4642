import DequeModule
import Synchronization

/// A bounded FIFO channel between the engine's tasks with watermark backpressure: producers
/// run on until `high` elements wait, then each producer that goes over waits until the
/// consumers have taken the backlog down to `low`. Consumers take elements one at a time
/// without suspending while any are buffered. Memory is bounded: at most `high` elements plus
/// one per waiting producer.
///
/// It replaces the rendezvous `AsyncChannel` on the engine's hot paths (the event merge point,
/// stage output streams, the `for_each` hand-offs), where a hop per element meant a thread
/// wake-up per element and unspecialized generic code from another module (the profile showed
/// both at about a quarter of the run time). Here a producer wakes a consumer only when one
/// is waiting, a waiting producer is woken once per batch, and the type is specialized in
/// this module.
///
/// Why not swift-async-algorithms' `MultiProducerSingleConsumerAsyncChannel`: its channel and
/// sources are `~Copyable` (one source per producer, made with `makeAdditionalSource()`), while
/// the engine hands one emitter by value to every stage and item task; and a `for_each` stage's
/// item hand-off has several consumers (its workers), which that type does not allow.
///
/// Cancellation behaves like `AsyncChannel`: a send from a cancelled task is dropped and a
/// waiting send returns at once; a consumer whose task is cancelled gets `nil`.
final class BoundedChannel<Element: Sendable>: AsyncSequence, Sendable {
    typealias Failure = Never

    private typealias Producer = (id: Int, continuation: UnsafeContinuation<Void, Never>)
    private typealias Consumer = (id: Int, continuation: UnsafeContinuation<Element?, Never>)

    private struct State {
        var buffer = Deque<Element>()
        var consumers = Deque<Consumer>()
        var producers: [Producer] = []
        var finished = false
        var nextId = 0

        /// Takes the next element, with the producers to wake when that brings the buffer
        /// down to the low watermark.
        mutating func take(low: Int) -> Take? {
            guard let element = buffer.popFirst() else { return nil }
            guard buffer.count <= low, !producers.isEmpty else { return .element(element, []) }
            var woken: [Producer] = []
            swap(&woken, &producers)
            return .element(element, woken)
        }
    }

    private enum Send {
        case done
        case handOff(UnsafeContinuation<Element?, Never>)
        case wait
    }

    private enum Take {
        case element(Element, [Producer])
        case end
        case wait
    }

    private let state = Mutex(State())
    /// Producers wait once more than this many elements are buffered…
    let high: Int
    /// …until the consumers have taken the backlog down to this many.
    let low: Int

    /// A channel that buffers up to `capacity` elements (at least 1) before producers wait;
    /// they go on once it is half empty.
    init(capacity: Int) {
        high = Swift.max(1, capacity)
        low = high / 2
    }

    /// Sends one element; waits while the buffer is over its high watermark. Returns at once,
    /// dropping the element, when the channel is finished or the sending task is cancelled.
    func send(_ element: Element) async {
        if Task.isCancelled { return }
        let step = state.withLock { s -> Send in
            if s.finished { return .done }
            if let consumer = s.consumers.popFirst() { return .handOff(consumer.continuation) }
            s.buffer.append(element)
            return s.buffer.count > high ? .wait : .done
        }
        switch step {
        case .done: return
        case .handOff(let consumer): consumer.resume(returning: element)
        case .wait: await waitForRoom()
        }
    }

    private func waitForRoom() async {
        let id = state.withLock { s -> Int in
            s.nextId += 1
            return s.nextId
        }
        await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                let goOn = state.withLock { s -> Bool in
                    if s.finished || s.buffer.count <= low || Task.isCancelled { return true }
                    s.producers.append((id, continuation))
                    return false
                }
                if goOn { continuation.resume() }
            }
        } onCancel: {
            let waiting = state.withLock { s -> UnsafeContinuation<Void, Never>? in
                guard let i = s.producers.firstIndex(where: { $0.id == id }) else { return nil }
                return s.producers.remove(at: i).continuation
            }
            waiting?.resume()
        }
    }

    /// The next element, in send order; `nil` once the channel is finished and empty, or when
    /// the calling task is cancelled.
    func next() async -> Element? {
        if Task.isCancelled { return nil }
        let step = state.withLock { s -> Take in
            if let taken = s.take(low: low) { return taken }
            return s.finished ? .end : .wait
        }
        switch step {
        case .element(let element, let producers):
            for producer in producers { producer.continuation.resume() }
            return element
        case .end:
            return nil
        case .wait:
            return await waitForElement()
        }
    }

    private func waitForElement() async -> Element? {
        let id = state.withLock { s -> Int in
            s.nextId += 1
            return s.nextId
        }
        return await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Element?, Never>) in
                let now = state.withLock { s -> Take in
                    if let taken = s.take(low: low) { return taken }
                    if s.finished || Task.isCancelled { return .end }
                    s.consumers.append((id, continuation))
                    return .wait
                }
                switch now {
                case .element(let element, let producers):
                    for producer in producers { producer.continuation.resume() }
                    continuation.resume(returning: element)
                case .end:
                    continuation.resume(returning: nil)
                case .wait:
                    break
                }
            }
        } onCancel: {
            let waiting = state.withLock { s -> UnsafeContinuation<Element?, Never>? in
                guard let i = s.consumers.firstIndex(where: { $0.id == id }) else { return nil }
                return s.consumers.remove(at: i).continuation
            }
            waiting?.resume(returning: nil)
        }
    }

    /// Elements buffered now (for tests and diagnostics).
    var bufferedCount: Int {
        state.withLock { $0.buffer.count }
    }

    /// Ends the channel: consumers get the buffered elements, then `nil`; later sends are
    /// dropped and waiting producers go on.
    func finish() {
        let (consumers, producers) = state.withLock { s in
            s.finished = true
            defer {
                s.consumers.removeAll()
                s.producers.removeAll()
            }
            return (s.consumers, s.producers)
        }
        for consumer in consumers { consumer.continuation.resume(returning: nil) }
        for producer in producers { producer.continuation.resume() }
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        let channel: BoundedChannel

        mutating func next() async -> Element? {
            await channel.next()
        }

        mutating func next(isolation actor: isolated (any Actor)?) async -> Element? {
            await channel.next()
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(channel: self)
    }
}
