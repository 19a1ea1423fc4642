import Synchronization

/// A value set once and awaited by any number of tasks: a process's exit status, a server's
/// bound port, "the event has been shown".
///
/// The first ``set(_:)`` wins; later ones are ignored. ``value()`` waits however long it
/// takes, even in a cancelled task (for clean-up that must see the outcome);
/// ``value(timeout:cancellable:)`` bounds the wait by a deadline whose timer is its own, so
/// that it runs its course in a task that is already cancelled too.
public final class Latch<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var waiters = WaiterSet<Value?, Void>()
    }

    private let state = Mutex(State())

    /// A latch not yet set.
    public init() {}

    /// The value, if set.
    public var current: Value? { state.withLock { $0.value } }

    /// How many tasks wait (for tests that must know a waiter has parked).
    var waiting: Int { state.withLock { $0.waiters.count } }

    /// Whether the value is set.
    public var isSet: Bool { current != nil }

    /// Sets the value and wakes every waiter. Returns `false` (and changes nothing) when the
    /// latch was already set.
    @discardableResult
    public func set(_ value: Value) -> Bool {
        let woken = state.withLock { s -> WaiterSet<Value?, Void>? in
            guard s.value == nil else { return nil }
            s.value = value
            return s.waiters.removeAll()
        }
        guard let woken else { return false }
        woken.resumeAll(returning: value)
        return true
    }

    /// Waits for the value, however long it takes; cancelling the waiting task does not end
    /// the wait.
    public func value() async -> Value {
        // Not cancellable, and woken only with the value: the wait cannot throw or give nil.
        while true {
            if let v = try? await park(cancellable: false) { return v }
        }
    }

    /// Waits for the value up to `timeout` (`nil`: no limit). Returns `nil` when the time is
    /// up first or, with `cancellable` (the default), when the waiting task is cancelled.
    public func value(timeout: Duration?, cancellable: Bool = true) async -> Value? {
        if let v = current { return v }
        guard let timeout else {
            return cancellable ? try? await park(cancellable: true) : await value()
        }
        // The wait runs in an unstructured task that the timer cancels: it is not cancelled
        // with the waiting task, so a non-cancellable wait still ends on time.
        let waiter = Task { try? await self.park(cancellable: true) }
        let timer = Task {
            try await Task.sleep(for: timeout)
            waiter.cancel()
        }
        let outcome: Value??
        if cancellable {
            outcome = await withTaskCancellationHandler { await waiter.value } onCancel: { waiter.cancel() }
        } else {
            outcome = await waiter.value
        }
        timer.cancel()
        return (outcome ?? nil) ?? current
    }

    private func park(cancellable: Bool) async throws -> Value? {
        try await state.park(in: \.waiters, cancellable: cancellable) { s in
            s.value.map { .success($0) }
        }
    }
}
