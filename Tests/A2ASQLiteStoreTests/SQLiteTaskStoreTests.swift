import A2A
import A2ASQLiteStore
import A2AServer
import Foundation
import Synchronization
import Testing

/// The SQLite task store on its own: what it writes, what it reads back after reopening,
/// restart recovery, retention, and paging like the in-memory store.
@Suite("SQLite task store", .timeLimit(.minutes(2)))
struct SQLiteTaskStoreTests {
    /// A fresh database path in a folder of its own.
    static func freshPath() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("tasks.db").path
    }

    /// A clock the test moves by hand.
    final class Clock: Sendable {
        private let date = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        var now: Date { date.withLock { $0 } }
        func advance(_ seconds: Double) { date.withLock { $0 += seconds } }
    }

    static func task(_ id: String, _ state: TaskState, context: String = "ctx", text: String = "") -> A2ATask {
        A2ATask(
            id: id, contextId: context,
            status: TaskStatus(
                state: state,
                message: Message(messageId: "m-\(id)", role: .agent, parts: [.text("now \(state.v10Name)")], contextId: context, taskId: id,
                                 metadata: ["progress": .number(0.5)]),
                timestamp: Date(timeIntervalSince1970: 1_800_000_000.123)),
            artifacts: text.isEmpty ? [] : [Artifact(artifactId: "out", name: "output", parts: [.text(text)])],
            history: [Message(messageId: "u-\(id)", role: .user, parts: [.text("question"), Part(.data(["k": [1, 2.5, "x"]]))], contextId: context, taskId: id)],
            metadata: ["origin": "test"])
    }

    static func chunk(_ id: String, _ text: String, append: Bool = true) -> StreamResponse {
        .artifactUpdate(TaskArtifactUpdateEvent(taskId: id, contextId: "ctx", artifact: Artifact(artifactId: "out", name: "output", parts: [.text(text)]), append: append))
    }

    static func status(_ id: String, _ state: TaskState, _ text: String) -> StreamResponse {
        .statusUpdate(TaskStatusUpdateEvent(
            taskId: id, contextId: "ctx",
            status: TaskStatus(state: state, message: Message(messageId: IDs.make(), role: .agent, parts: [.text(text)]), timestamp: Date())))
    }

    @Test("a finished task reads back exactly as saved after the file is reopened")
    func roundTrip() async throws {
        let path = try Self.freshPath()
        let saved = Self.task("t1", .completed, text: "the whole answer")
        let store = try await SQLiteTaskStore.open(path: path)
        await store.save(saved)
        #expect(await store.task(id: "t1") == saved)
        await store.close()

        let reopened = try await SQLiteTaskStore.open(path: path)
        let read = try #require(await reopened.task(id: "t1"))
        #expect(read == saved)
        #expect(JSONWriter.string(WireEncoder(.v1_0).task(read)) == JSONWriter.string(WireEncoder(.v1_0).task(saved)))
        #expect(JSONWriter.string(WireEncoder(.v0_3).task(read)) == JSONWriter.string(WireEncoder(.v0_3).task(saved)))
        #expect(await reopened.interruptedAtOpen.isEmpty)
        await reopened.close()
    }

    @Test("thousands of chunks become a few log rows; a running task found at open is failed with its output kept")
    func chunksAndRecovery() async throws {
        let path = try Self.freshPath()
        let store = try await SQLiteTaskStore.open(path: path, flushInterval: .seconds(3600))
        await store.save(Self.task("run", .working))
        var expected = ""
        await store.record(Self.chunk("run", "first ", append: false))
        expected += "first "
        for i in 0..<5000 {
            await store.record(Self.chunk("run", "w\(i) "))
            expected += "w\(i) "
        }
        // Progress in the same state is coalesced; nothing was written per chunk.
        await store.record(Self.status("run", .working, "half way"))
        #expect(try await store.eventLogCount(taskId: "run") == 0)
        await store.flush()
        #expect(try await store.eventLogCount(taskId: "run") == 1)
        for i in 0..<10 { await store.record(Self.chunk("run", "more\(i) ")); expected += "more\(i) " }
        await store.flush()
        #expect(try await store.eventLogCount(taskId: "run") == 2)
        let running = try #require(await store.task(id: "run"))
        #expect(running.artifactText == expected)
        #expect(running.status.message?.text == "half way")
        // The process "dies": the file is opened again without closing the first store.

        let reopened = try await SQLiteTaskStore.open(path: path)
        #expect(await reopened.interruptedAtOpen == ["run"])
        let failed = try #require(await reopened.task(id: "run"))
        #expect(failed.status.state == .failed)
        #expect(failed.status.message?.text == SQLiteTaskStore.restartedMessage)
        #expect(failed.artifactText == expected)
        #expect(failed.history == Self.task("run", .working).history)
        #expect(try await reopened.eventLogCount(taskId: "run") == 0)
        #expect(try await reopened.statusHistory(taskId: "run").map(\.state) == [.working, .failed])
        await reopened.close()
        await store.close()
    }

    @Test("a task paused for input with its agent waiting is failed at reopening; one that ended in input-required is kept")
    func pausedTasksDieWithTheProcess() async throws {
        let path = try Self.freshPath()
        let store = try await SQLiteTaskStore.open(path: path)
        await store.save(Self.task("paused", .working))
        await store.savePaused(Self.task("paused", .inputRequired, text: "so far"))
        await store.save(Self.task("ended", .inputRequired))
        #expect(await store.task(id: "paused")?.status.state == .inputRequired)
        #expect(try await store.list(TaskStoreQuery(state: .inputRequired)).tasks.map(\.id) == ["ended", "paused"])

        let reopened = try await SQLiteTaskStore.open(path: path)
        #expect(await reopened.interruptedAtOpen == ["paused"])
        let paused = try #require(await reopened.task(id: "paused"))
        #expect(paused.status.state == .failed)
        #expect(paused.artifactText == "so far")
        #expect(await reopened.task(id: "ended")?.status.state == .inputRequired)
        await reopened.close()
        await store.close()
    }

    @Test("state changes are written at once and kept in the status history; the settled task replaces the log")
    func statusHistory() async throws {
        let path = try Self.freshPath()
        let store = try await SQLiteTaskStore.open(path: path, flushInterval: .seconds(3600))
        await store.save(Self.task("h", .submitted))
        await store.record(Self.status("h", .working, "started"))
        await store.record(Self.status("h", .working, "10%"))
        await store.record(Self.chunk("h", "partial", append: false))
        // The state change was written without waiting for a flush (the interval is an hour).
        #expect(try await store.statusHistory(taskId: "h").map(\.state) == [.submitted, .working])
        await store.save(Self.task("h", .completed, text: "partial"))
        #expect(try await store.eventLogCount(taskId: "h") == 0)
        #expect(try await store.statusHistory(taskId: "h").map(\.state) == [.submitted, .working, .completed])
        // A chunk that arrives after the task settled (a race with cancel) is ignored.
        await store.record(Self.chunk("h", " late"))
        await store.flush()
        #expect(await store.task(id: "h")?.artifactText == "partial")
        await store.close()
    }

    @Test("a task saved from a cancelled task is written all the same (runs cancelled at shutdown)")
    func savesWhenTheCallerIsCancelled() async throws {
        let store = try await SQLiteTaskStore.open(path: try Self.freshPath())
        await store.save(Self.task("x", .working))
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                withUnsafeCurrentTask { $0?.cancel() }
                #expect(Task.isCancelled)
                await store.save(Self.task("x", .canceled))
            }
        }
        #expect(await store.task(id: "x")?.status.state == .canceled)
        await store.close()
    }

    @Test("many tasks announced and settled at once are all kept, in their own rows")
    func concurrentSaves() async throws {
        let store = try await SQLiteTaskStore.open(path: try Self.freshPath(), flushInterval: .seconds(3600))
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<50 {
                group.addTask {
                    await store.save(Self.task("c\(i)", .working))
                    await store.record(Self.chunk("c\(i)", "out \(i)", append: false))
                    await store.record(Self.status("c\(i)", .working, "busy"))
                    await store.save(Self.task("c\(i)", .completed, text: "out \(i)"))
                }
            }
        }
        let page = try await store.list(TaskStoreQuery(pageSize: 100))
        #expect(page.totalSize == 50)
        #expect(Set(page.tasks.map(\.id)) == Set((0..<50).map { "c\($0)" }))
        #expect(page.tasks.allSatisfy { $0.status.state == .completed && $0.artifactText == "out \($0.id.dropFirst())" })
        await store.close()
    }

    @Test("beyond maxTasks the oldest finished tasks are deleted; running ones stay")
    func evictsByCount() async throws {
        let clock = Clock()
        let store = try await SQLiteTaskStore.open(path: try Self.freshPath(), maxTasks: 3, now: { clock.now })
        await store.save(Self.task("running", .working))
        for i in 0..<4 {
            clock.advance(1)
            await store.save(Self.task("done\(i)", .completed))
        }
        #expect(await store.count == 3)
        #expect(await store.task(id: "running") != nil)
        #expect(await store.task(id: "done0") == nil)
        #expect(await store.task(id: "done1") == nil)
        #expect(await store.task(id: "done2") != nil)
        #expect(await store.task(id: "done3") != nil)
        let page = try await store.list(TaskStoreQuery())
        #expect(page.tasks.map(\.id) == ["done3", "done2", "running"])
        await store.close()
    }

    @Test("a finished task is forgotten finishedTaskTTL after it finished; a running one is not")
    func evictsByAge() async throws {
        let clock = Clock()
        let path = try Self.freshPath()
        let store = try await SQLiteTaskStore.open(path: path, finishedTaskTTL: .seconds(60), now: { clock.now })
        await store.save(Self.task("old", .completed))
        await store.save(Self.task("running", .working))
        clock.advance(30)
        await store.save(Self.task("new", .failed))
        clock.advance(31)
        #expect(await store.task(id: "old") == nil)
        #expect(await store.task(id: "new") != nil)
        #expect(await store.task(id: "running") != nil)
        #expect(try await store.list(TaskStoreQuery()).tasks.map(\.id) == ["new", "running"])
        await store.sweep()
        #expect(await store.count == 2)
        await store.close()
    }

    @Test("ListTasks pages and filters exactly like the in-memory store")
    func listsLikeMemory() async throws {
        let sqlite = try await SQLiteTaskStore.open(path: try Self.freshPath())
        let memory = InMemoryTaskStore()
        let states: [TaskState] = [.completed, .failed, .working, .completed, .inputRequired, .completed, .canceled]
        for (i, state) in states.enumerated() {
            let t = Self.task("t\(i)", state, context: i % 2 == 0 ? "even" : "odd", text: "out \(i)")
            await sqlite.save(t)
            await memory.save(t)
        }
        let queries = [
            TaskStoreQuery(pageSize: 3), TaskStoreQuery(contextId: "even", pageSize: 2), TaskStoreQuery(state: .completed, pageSize: 2),
            TaskStoreQuery(contextId: "odd", state: .failed), TaskStoreQuery(contextId: "none"),
        ]
        for query in queries {
            var q = query
            var pages = 0
            repeat {
                let a = try await sqlite.list(q)
                let b = try await memory.list(q)
                #expect(a == b, "\(q)")
                q.pageToken = a.nextPageToken
                pages += 1
            } while q.pageToken != nil && pages < 10
        }
        await #expect(throws: TaskStoreError.invalidPageToken("zz")) { try await sqlite.list(TaskStoreQuery(pageToken: "zz")) }
        await sqlite.close()
    }

    @Test("a file that is not a task store is refused with a clear message")
    func refusesOtherFiles() async throws {
        let path = try Self.freshPath()
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        do {
            _ = try await SQLiteTaskStore.open(path: path)
            Issue.record("opened a file of 'A's as a task store")
        } catch {
            #expect(error.description.contains(path))
            #expect(error.description.contains("--store memory"))
        }
        let missingFolder = "/nonexistent-\(UUID().uuidString)/tasks.db"
        await #expect(throws: SQLiteTaskStoreError.self) { _ = try await SQLiteTaskStore.open(path: missingFolder) }
    }
}
