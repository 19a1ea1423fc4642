import Synchronization

/// A lock held across suspension points, granted in the order the tasks asked for it: one
/// question put to a person at a time, one SQLite transaction at a time.
///
/// Hand-written because no listed package offers an async mutex that honours cancellation
/// (swift-async-algorithms has none; `Mutex` cannot be held across an `await`). Waiting is
/// cancellable by default: a cancelled waiter leaves the queue and gets `CancellationError`.
/// Pass `honoringCancellation: false` for work that must run even in a task being cancelled
/// (saving a task while its run is cancelled).
public final class AsyncFIFOLock: Sendable {
    private struct State {
        var held = false
        var waiters = WaiterSet<Void, Void>()
    }

    private let state = Mutex(State())

    /// An unlocked lock.
    public init() {}

    /// How many tasks wait for the lock (for tests that must know a waiter has queued).
    var waiting: Int { state.withLock { $0.waiters.count } }

    /// Runs `body` holding the lock, after every task that asked before has had its turn.
    /// - Throws: `CancellationError` when the task is cancelled while it waits (only with
    ///   `honoringCancellation`), or what `body` throws.
    public func withLock<T>(
        isolation: isolated (any Actor)? = #isolation,
        honoringCancellation: Bool = true,
        _ body: () async throws -> T
    ) async throws -> T {
        try await state.park(in: \.waiters, cancellable: honoringCancellation) { s in
            if s.held { return nil }
            s.held = true
            return .success(())
        }
        defer { unlock() }
        return try await body()
    }

    /// Hands the lock to the oldest waiter (it stays held), or unlocks it.
    private func unlock() {
        let next = state.withLock { s -> WaiterSet<Void, Void>.Waiter? in
            guard let next = s.waiters.removeFirst() else {
                s.held = false
                return nil
            }
            return next
        }
        next?.resume(returning: ())
    }
}
