import AsyncAlgorithms
import AsyncHTTPClient
import NIOCore
import Synchronization

/// Reads a response body part by part, failing when the peer stays silent longer than the
/// idle bound.
///
/// The bound only counts time spent waiting for the peer: while the consumer is busy (and
/// backpressure stops reading), no clock runs. One pump task per body reads the parts and
/// hands each one over through a channel whose `send` waits for the consumer (so it reads at
/// most one part ahead, and a slow consumer slows the peer); one watchdog per body, beside it,
/// checks the bound. Nothing is allocated per part beyond the part itself.
///
/// Written by hand because neither library does this: AsyncHTTPClient's read timeout also
/// fires while backpressure holds reading, and racing each read against its own
/// `Task.sleep` (what this type did before) left a sleeping timer of about 700 bytes per body
/// part until its deadline — a served relay of an agent that sends one HTTP chunk per event
/// grew by megabytes per run (issue 14).
struct BodyReader {
    /// Thrown inside the pump when the watchdog fires; mapped to the caller's error in ``next``.
    struct IdleTimeout: Error {}

    /// Cancels the pump when the reader is dropped: stopping iteration closes the connection.
    final class Pump: Sendable {
        let task: Task<Void, Never>
        init(_ task: Task<Void, Never>) { self.task = task }
        deinit { task.cancel() }
    }

    /// Where the pump is: waiting for the peer since an instant (the clock runs), or not.
    enum Watch {
        case waitingForPeer(since: ContinuousClock.Instant)
        case handingOver
        case done
    }

    /// The pump's ``Watch``, shared with the watchdog.
    final class WatchState: Sendable {
        let watch = Mutex(Watch.handingOver)
        func set(_ w: Watch) { watch.withLock { $0 = w } }
    }

    let idleTimeout: Duration
    private let pump: Pump
    private var parts: AsyncThrowingChannel<ByteBuffer, any Error>.Iterator

    init(_ body: HTTPClientResponse.Body, idleTimeout: Duration) {
        self.idleTimeout = idleTimeout
        let channel = AsyncThrowingChannel<ByteBuffer, any Error>()
        parts = channel.makeAsyncIterator()
        pump = Pump(Task {
            let watch = WatchState()
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        var iterator = body.makeAsyncIterator()
                        while true {
                            watch.set(.waitingForPeer(since: .now))
                            guard let part = try await iterator.next() else { break }
                            watch.set(.handingOver)
                            await channel.send(part)
                            try Task.checkCancellation()
                        }
                        watch.set(.done)
                    }
                    group.addTask {
                        try await Self.watchdog(watch, idleTimeout: idleTimeout)
                    }
                    // The first to end decides: the body's end, a read error, or the bound.
                    try await group.next()
                    group.cancelAll()
                }
                channel.finish()
            } catch {
                channel.fail(error)
            }
        })
    }

    /// Sleeps until the pump has waited for the peer for `idleTimeout`, then throws
    /// ``IdleTimeout``; returns when the body has ended. It wakes at most once per
    /// `idleTimeout` while parts keep coming.
    private static func watchdog(_ watch: WatchState, idleTimeout: Duration) async throws {
        while true {
            let now = ContinuousClock.now
            let wake: ContinuousClock.Instant? = watch.watch.withLock { w in
                switch w {
                case .waitingForPeer(let since): return since + idleTimeout
                case .handingOver: return now + idleTimeout
                case .done: return nil
                }
            }
            guard let wake else { return }
            if wake <= now { throw IdleTimeout() }
            try await Task.sleep(until: wake, clock: .continuous)
        }
    }

    /// The next part of the body, `nil` at its end.
    mutating func next(url: String, operation: String, transport: HTTPTransport) async throws -> ByteBuffer? {
        let pump = self.pump
        do {
            let part = try await withTaskCancellationHandler {
                try await parts.next()
            } onCancel: {
                pump.task.cancel()
            }
            if part == nil { try Task.checkCancellation() }
            return part
        } catch is IdleTimeout {
            throw A2AClientError(url: url, method: operation, kind: .idleTimeout(idleTimeout))
        } catch {
            throw transport.mapError(error, url: url, operation: operation)
        }
    }
}
