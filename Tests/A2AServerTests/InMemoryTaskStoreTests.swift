import A2A
import A2AServer
import Testing

/// The in-memory store's bounds: a task count and a byte budget for finished tasks.
@Suite("In-memory task store")
struct InMemoryTaskStoreTests {
    static func task(_ id: String, _ state: TaskState, bytes: Int) -> A2ATask {
        var t = A2ATask(id: id, contextId: "c", status: TaskStatus(state: state))
        t.artifacts = [Artifact(artifactId: "output", parts: [.text(String(repeating: "x", count: bytes))])]
        return t
    }

    @Test("finished tasks beyond the byte budget go oldest first; running ones and the newest finished stay")
    func byteBudget() async {
        let store = InMemoryTaskStore(maxTasks: 100, maxFinishedBytes: 12_000)
        await store.save(Self.task("running", .working, bytes: 50_000))
        for i in 0..<5 { await store.save(Self.task("done\(i)", .completed, bytes: 3_000)) }
        // 3 KB each plus the allowance per task: three fit in 12 KB, not four.
        #expect(await store.task(id: "running") != nil, "a running task is never evicted, however large")
        #expect(await store.task(id: "done0") == nil)
        #expect(await store.task(id: "done1") == nil)
        #expect(await store.task(id: "done2") != nil)
        #expect(await store.task(id: "done4") != nil)
        #expect(await store.storedFinishedBytes <= 12_000)

        // One task larger than the whole budget: it is kept (a client reads what it just ran),
        // and everything older goes.
        await store.save(Self.task("huge", .completed, bytes: 20_000))
        #expect(await store.task(id: "huge") != nil)
        #expect(await store.task(id: "done4") == nil)
        #expect(await store.count == 2)

        // The running task finishes: now it is the newest finished one, and "huge" goes.
        await store.save(Self.task("running", .completed, bytes: 50_000))
        #expect(await store.task(id: "huge") == nil)
        #expect(await store.task(id: "running") != nil)
        #expect(await store.storedFinishedBytes == Self.task("running", .completed, bytes: 50_000).estimatedBytes)
    }

    @Test("a task saved again is counted once")
    func resaveCountsOnce() async {
        let store = InMemoryTaskStore(maxFinishedBytes: 1 << 20)
        let t = Self.task("t", .completed, bytes: 1_000)
        for _ in 0..<10 { await store.save(t) }
        #expect(await store.storedFinishedBytes == t.estimatedBytes)
    }
}
