@testable import AsyncPrimitives
import Synchronization
import Testing

/// A `Mutex` tasks can share (a local `Mutex` cannot be captured by a task's closure).
final class Shared<Value: Sendable>: Sendable {
    let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}

/// Waits (bounded, generously) until `condition` holds: how a test knows another task has
/// parked, without guessing with a sleep.
func eventually(_ condition: () -> Bool) async throws {
    for _ in 0..<20_000 {
        if condition() { return }
        try await Task.sleep(for: .milliseconds(1))
    }
    Issue.record("the condition did not hold within the bound")
    throw CancellationError()
}

@Suite("Latch", .timeLimit(.minutes(1)))
struct LatchTests {
    @Test("the first set wins and every waiter gets it")
    func firstSetWins() async throws {
        let latch = Latch<Int>()
        async let a = latch.value()
        async let b = latch.value(timeout: nil)
        try await eventually { latch.waiting == 2 }
        #expect(latch.set(1))
        #expect(!latch.set(2))
        #expect(await a == 1)
        #expect(await b == 1)
        #expect(latch.current == 1)
        #expect(await latch.value() == 1)
    }

    @Test("a timed wait gives nil when the time is up, and leaves no waiter behind")
    func timesOut() async throws {
        let latch = Latch<String>()
        #expect(await latch.value(timeout: .milliseconds(20)) == nil)
        #expect(latch.waiting == 0)
        latch.set("late")
        #expect(await latch.value(timeout: .milliseconds(20)) == "late")
    }

    @Test("a timed wait gets the value set while it waits")
    func timedWaitGetsValue() async throws {
        let latch = Latch<Int>()
        async let v = latch.value(timeout: .seconds(600))
        try await eventually { latch.waiting == 1 }
        latch.set(7)
        #expect(await v == 7)
    }

    @Test("cancelling a cancellable wait ends it with nil")
    func cancellableWait() async throws {
        let latch = Latch<Int>()
        let waiter = Task { await latch.value(timeout: .seconds(600)) }
        try await eventually { latch.waiting == 1 }
        waiter.cancel()
        #expect(await waiter.value == nil)
        let untimed = Task { await latch.value(timeout: nil) }
        try await eventually { latch.waiting == 1 }
        untimed.cancel()
        #expect(await untimed.value == nil)
        try await eventually { latch.waiting == 0 }
    }

    @Test("a non-cancellable wait goes on in a cancelled task, and its deadline still holds")
    func nonCancellableWait() async throws {
        let latch = Latch<Int>()
        let waiter = Task { await latch.value() }
        try await eventually { latch.waiting == 1 }
        waiter.cancel()
        // Still parked after the cancellation has been delivered.
        try await Task.sleep(for: .milliseconds(20))
        #expect(latch.waiting == 1)
        latch.set(3)
        #expect(await waiter.value == 3)

        let other = Latch<Int>()
        let bounded = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await other.value(timeout: .milliseconds(30), cancellable: false)
        }
        #expect(await bounded.value == nil)
        // The same in a task cancelled before it waits, with the value coming in time.
        let third = Latch<Int>()
        let inTime = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await third.value(timeout: .seconds(600), cancellable: false)
        }
        try await eventually { third.waiting == 1 }
        third.set(9)
        #expect(await inTime.value == 9)
    }
}

@Suite("AsyncFIFOLock", .timeLimit(.minutes(1)))
struct AsyncFIFOLockTests {
    /// Tasks that ask in turn get the lock in that order, one at a time.
    @Test("turns are granted in the order asked, one at a time")
    func fifo() async throws {
        let lock = AsyncFIFOLock()
        let log = Shared<[Int]>([])
        let inside = Shared(0)
        let gate = Latch<Void>()
        let first = Task {
            try await lock.withLock {
                await gate.value()
                log.withLock { $0.append(0) }
            }
        }
        try await eventually { gate.waiting == 1 }
        var tasks: [Task<Void, any Error>] = []
        for i in 1...5 {
            tasks.append(Task {
                try await lock.withLock {
                    inside.withLock { $0 += 1 }
                    #expect(inside.withLock { $0 } == 1)
                    await Task.yield()
                    log.withLock { $0.append(i) }
                    inside.withLock { $0 -= 1 }
                }
            })
            try await eventually { lock.waiting == i }
        }
        gate.set(())
        try await first.value
        for t in tasks { try await t.value }
        #expect(log.withLock { $0 } == [0, 1, 2, 3, 4, 5])
    }

    @Test("a cancelled waiter leaves the queue with CancellationError; the others go on")
    func cancelledWaiter() async throws {
        let lock = AsyncFIFOLock()
        let gate = Latch<Void>()
        let holder = Task { try await lock.withLock { await gate.value() } }
        try await eventually { gate.waiting == 1 }
        let cancelled = Task { try await lock.withLock { "ran" } }
        try await eventually { lock.waiting == 1 }
        let next = Task { try await lock.withLock { "next" } }
        try await eventually { lock.waiting == 2 }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(lock.waiting == 1)
        gate.set(())
        try await holder.value
        #expect(try await next.value == "next")
    }

    @Test("without honoring cancellation, a cancelled task still gets its turn")
    func ignoringCancellation() async throws {
        let lock = AsyncFIFOLock()
        let gate = Latch<Void>()
        let holder = Task { try await lock.withLock { await gate.value() } }
        try await eventually { gate.waiting == 1 }
        let saver = Task { try await lock.withLock(honoringCancellation: false) { "saved" } }
        try await eventually { lock.waiting == 1 }
        saver.cancel()
        gate.set(())
        try await holder.value
        #expect(try await saver.value == "saved")
        // Already cancelled before asking: still runs.
        let late = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await lock.withLock(honoringCancellation: false) { "late" }
        }
        #expect(try await late.value == "late")
    }

    @Test("an error thrown by the body releases the lock")
    func errorReleases() async throws {
        struct Boom: Error {}
        let lock = AsyncFIFOLock()
        await #expect(throws: Boom.self) { try await lock.withLock { throw Boom() } }
        #expect(try await lock.withLock { 1 } == 1)
    }
}

@Suite("Mutex.park and WaiterSet", .timeLimit(.minutes(1)))
struct ParkTests {
    struct State {
        var ready: [String] = []
        var waiters = WaiterSet<String, String>()
    }

    @Test("ready at once: the wait does not park")
    func readyAtOnce() async throws {
        let m = Shared(State(ready: ["a"]))
        let v = try await m.mutex.park(in: \.waiters, tag: "a") { s in s.ready.contains("a") ? .success("a") : nil }
        #expect(v == "a")
        #expect(m.withLock { $0.waiters.isEmpty })
    }

    @Test("tags choose which waiters wake, in the order they parked")
    func tagged() async throws {
        let m = Shared(State())
        let order = Shared<[String]>([])
        func waiter(_ tag: String, _ n: Int) -> Task<String, any Error> {
            Task {
                let v = try await m.mutex.park(in: \.waiters, tag: tag) { _ in nil }
                order.withLock { $0.append("\(tag)\(n)") }
                return v
            }
        }
        let x1 = waiter("x", 1)
        try await eventually { m.withLock { $0.waiters.count } == 1 }
        let y1 = waiter("y", 1)
        try await eventually { m.withLock { $0.waiters.count } == 2 }
        let x2 = waiter("x", 2)
        try await eventually { m.withLock { $0.waiters.count } == 3 }
        #expect(m.withLock { $0.waiters.tags } == ["x", "y", "x"])
        let xs = m.withLock { $0.waiters.removeAll(where: { $0 == "x" }) }
        #expect(xs.map(\.tag) == ["x", "x"])
        xs.resumeAll(returning: "woken")
        #expect(try await x1.value == "woken")
        #expect(try await x2.value == "woken")
        #expect(m.withLock { $0.waiters.tags } == ["y"])
        m.withLock { $0.waiters.removeFirst() }?.resume(throwing: CancellationError())
        await #expect(throws: CancellationError.self) { try await y1.value }
    }

    @Test("cancellation takes the waiter out; a task cancelled before it parks never parks")
    func cancellation() async throws {
        let m = Shared(State())
        let t = Task { try await m.mutex.park(in: \.waiters, tag: "t") { _ in nil } }
        try await eventually { m.withLock { $0.waiters.count } == 1 }
        t.cancel()
        await #expect(throws: CancellationError.self) { try await t.value }
        #expect(m.withLock { $0.waiters.isEmpty })
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await m.mutex.park(in: \.waiters, tag: "e") { _ in nil }
        }
        await #expect(throws: CancellationError.self) { try await early.value }
        #expect(m.withLock { $0.waiters.isEmpty })
    }
}

@Suite("withTimeout", .timeLimit(.minutes(1)))
struct TimeoutTests {
    @Test("the operation's result, or nil once the time is up")
    func timeout() async throws {
        #expect(try await withTimeout(.seconds(600)) { 5 } == 5)
        let latch = Latch<Int>()
        #expect(try await withTimeout(.milliseconds(20)) { await latch.value(timeout: nil) } == nil)
        struct Boom: Error {}
        await #expect(throws: Boom.self) { try await withTimeout(.seconds(600)) { throw Boom() } }
    }
}
