import Synchronization

/// Waiter ids, unique in the process, so a cancellation handler finds its own waiter.
private let nextWaiterID = Atomic<UInt64>(1)

extension Mutex {
    /// Parks the calling task in the waiter set at `waiters` unless `ready` says the wait is
    /// already over; both happen under this lock, so a wake-up between checking and parking
    /// cannot be lost.
    ///
    /// `ready` runs under the lock when the task arrives: it returns the outcome when there is
    /// nothing to wait for, `nil` to park. A parked task is woken by whoever takes it out of
    /// the set. With `cancellable` (the default), cancelling the task takes it out and throws
    /// `CancellationError` (also when it is cancelled before it parks); without, the wait
    /// ignores cancellation, for waits that must finish even in a task being cancelled.
    ///
    /// This is the one place the "register under the lock, re-check cancellation, resume in
    /// `onCancel`" dance is written; every lock-protected wait in a2a-pipe uses it.
    public borrowing func park<T: Sendable, Tag: Sendable>(
        in waiters: WritableKeyPath<Value, WaiterSet<T, Tag>> & Sendable,
        tag: Tag,
        cancellable: Bool = true,
        unless ready: (inout Value) -> Result<T, any Error>?
    ) async throws -> T {
        let id = nextWaiterID.wrappingAdd(1, ordering: .relaxed).oldValue
        func enter(_ c: CheckedContinuation<T, any Error>) {
            let now: Result<T, any Error>? = withLock { state in
                if let r = ready(&state) { return r }
                if cancellable, Task.isCancelled { return .failure(CancellationError()) }
                state[keyPath: waiters].insert(.init(id: id, tag: tag, continuation: c))
                return nil
            }
            if let now { c.resume(with: now) }
        }
        guard cancellable else {
            return try await withCheckedThrowingContinuation { enter($0) }
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { enter($0) }
        } onCancel: {
            let w = withLock { $0[keyPath: waiters].remove(id: id) }
            w?.resume(throwing: CancellationError())
        }
    }

    /// ``park(in:tag:cancellable:unless:)`` for untagged waiters.
    public borrowing func park<T: Sendable>(
        in waiters: WritableKeyPath<Value, WaiterSet<T, Void>> & Sendable,
        cancellable: Bool = true,
        unless ready: (inout Value) -> Result<T, any Error>?
    ) async throws -> T {
        try await park(in: waiters, tag: (), cancellable: cancellable, unless: ready)
    }
}
