/// The tasks parked on one condition of a lock-protected state, in the order they came.
///
/// A `WaiterSet` lives *inside* the state a `Mutex` protects, next to the data its condition
/// reads, so that checking the condition and parking happen under one lock and no wake-up is
/// lost. Park with ``Synchronization/Mutex/park(in:tag:cancellable:unless:)``; wake by taking
/// waiters out under the lock (``removeAll()``, ``removeAll(where:)``, ``removeFirst()``) and
/// resuming them after it is released.
///
/// Each waiter carries a `Tag`: what it waits for (the stage ids it needs, the message id
/// it joins), so that the code waking it can choose (``removeAll(where:)``). Use `Void` when
/// every waiter waits for the same thing.
public struct WaiterSet<Value: Sendable, Tag: Sendable>: Sendable {
    /// One parked task.
    public struct Waiter: Sendable {
        /// Identifies the waiter for its cancellation handler.
        public let id: UInt64
        /// What the waiter waits for.
        public let tag: Tag
        let continuation: CheckedContinuation<Value, any Error>

        /// Wakes the task with `value`.
        public func resume(returning value: sending Value) { continuation.resume(returning: value) }
        /// Wakes the task with an error.
        public func resume(throwing error: any Error) { continuation.resume(throwing: error) }
        /// Wakes the task with `result`.
        public func resume(with result: sending Result<Value, any Error>) { continuation.resume(with: result) }
    }

    // The oldest waiter apart, so that one waiter (the common case: a stream's consumer, a
    // producer waiting for space) costs no array storage. Invariant: `head == nil` implies
    // `rest.isEmpty`.
    private var head: Waiter?
    private var rest: [Waiter] = []

    /// An empty set.
    public init() {}

    /// Whether no task is parked.
    public var isEmpty: Bool { head == nil }
    /// How many tasks are parked.
    public var count: Int { head == nil ? 0 : 1 + rest.count }

    /// The tags of the parked tasks, oldest first.
    public var tags: [Tag] { map(\.tag) }

    mutating func insert(_ waiter: Waiter) {
        if head == nil { head = waiter } else { rest.append(waiter) }
    }

    /// Takes the waiter with this id (its task was cancelled), if it is still parked.
    public mutating func remove(id: UInt64) -> Waiter? {
        if head?.id == id { return removeFirst() }
        guard let i = rest.firstIndex(where: { $0.id == id }) else { return nil }
        return rest.remove(at: i)
    }

    /// Takes the oldest waiter.
    public mutating func removeFirst() -> Waiter? {
        let first = head
        head = rest.isEmpty ? nil : rest.removeFirst()
        return first
    }

    /// Takes every waiter.
    public mutating func removeAll() -> WaiterSet {
        var all = WaiterSet()
        swap(&all, &self)
        return all
    }

    /// Takes the waiters whose tag satisfies `predicate`, oldest first.
    public mutating func removeAll(where predicate: (Tag) throws -> Bool) rethrows -> WaiterSet {
        var taken = WaiterSet()
        var kept = WaiterSet()
        for w in self {
            if try predicate(w.tag) { taken.insert(w) } else { kept.insert(w) }
        }
        if !taken.isEmpty { self = kept }
        return taken
    }

    /// Wakes every waiter in the set with `value`.
    public func resumeAll(returning value: Value) {
        for w in self { w.continuation.resume(returning: value) }
    }

    /// Wakes every waiter in the set with an error.
    public func resumeAll(throwing error: any Error) {
        for w in self { w.continuation.resume(throwing: error) }
    }

    /// Appends the waiters of `other` after these.
    public static func + (lhs: WaiterSet, rhs: WaiterSet) -> WaiterSet {
        var all = lhs
        for w in rhs { all.insert(w) }
        return all
    }
}

extension WaiterSet: Sequence {
    /// The waiters, oldest first.
    public struct Iterator: IteratorProtocol {
        fileprivate var head: Waiter?
        fileprivate var rest: IndexingIterator<[Waiter]>

        public mutating func next() -> Waiter? {
            if let h = head {
                head = nil
                return h
            }
            return rest.next()
        }
    }

    public func makeIterator() -> Iterator { Iterator(head: head, rest: rest.makeIterator()) }
}
