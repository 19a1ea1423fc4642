@testable import A2AServer
import Testing

/// python-a2a retries of one `message_id` that arrive while the first request is still
/// starting its run wait for it and join it, instead of starting the work twice.
@Suite("Message deduplication", .timeLimit(.minutes(1)))
struct MessageDeduplicatorTests {
    /// Waits until `count` requests wait on `id` (the claim has certainly suspended).
    func waitUntilWaiting(_ d: MessageDeduplicator, _ id: String, count: Int) async {
        while d.waiting(for: id) < count { try? await Task.sleep(for: .milliseconds(1)) }
    }

    @Test func aClaimWhileTheFirstRunStartsWaitsAndJoinsIt() async {
        let d = MessageDeduplicator(window: .seconds(60), capacity: 10)
        #expect(await d.claim("m1") == .start)
        async let second = d.claim("m1")
        async let third = d.claim("m1")
        await waitUntilWaiting(d, "m1", count: 2)
        #expect(await d.claim("other") == .start)  // other ids are not held up
        d.resolve("m1", taskId: "task-1")
        #expect(await second == .join(taskId: "task-1"))
        #expect(await third == .join(taskId: "task-1"))
        #expect(await d.claim("m1") == .join(taskId: "task-1"))
    }

    @Test func whenTheFirstRunCannotStartOneWaiterStartsIt() async {
        let d = MessageDeduplicator(window: .seconds(60), capacity: 10)
        #expect(await d.claim("m2") == .start)
        async let second = d.claim("m2")
        await waitUntilWaiting(d, "m2", count: 1)
        d.abandon("m2")
        #expect(await second == .start)
        d.resolve("m2", taskId: "task-2")
        #expect(await d.claim("m2") == .join(taskId: "task-2"))
    }

    @Test func expiredIdsAreForgottenAndCapacityIsKept() async {
        let d = MessageDeduplicator(window: .milliseconds(1), capacity: 2)
        #expect(await d.claim("a") == .start)
        d.resolve("a", taskId: "t-a")
        try? await Task.sleep(for: .milliseconds(20))
        #expect(await d.claim("a") == .start)  // expired: a new run
        d.resolve("a", taskId: "t-a2")
        let big = MessageDeduplicator(window: .seconds(60), capacity: 2)
        for id in ["x", "y", "z"] {
            #expect(await big.claim(id) == .start)
            big.resolve(id, taskId: "t-\(id)")
        }
        #expect(await big.claim("z") == .join(taskId: "t-z"))
        #expect(await big.claim("x") == .start)  // the oldest was evicted
    }
}
