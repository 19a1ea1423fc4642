import A2A
import A2AServer
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLiteNIO
import ServiceLifecycle

/// A durable ``TaskStore`` in one SQLite file, for `a2a-pipe serve --store sqlite:PATH`.
///
/// **What is written when.** A task is written whole when it is announced and when its run
/// settles (before any client hears that it ended). In between, a change of state is written
/// at once (with a row of the status history); progress updates in the same state keep only
/// the latest; artifact chunks and messages go to an append-only event log, consecutive chunks
/// merged, written at most every `flushInterval` by ``run()`` or as soon as more than
/// `maxPendingBytes` wait. No chunk rewrites the artifact text before it; the settled task
/// replaces the log. The agent waits only for state changes, settling, and when the queue
/// is full (each a single transaction).
///
/// **Durability.** WAL journal, `synchronous=NORMAL`: every committed write survives the server
/// process dying (crash, `kill -9`); a power cut may lose the last moments, never corrupt the file.
///
/// **Restart.** ``open(path:maxTasks:finishedTaskTTL:flushInterval:maxPendingBytes:now:logger:)``
/// marks every task that was still running (`submitted`, `working`, or paused at
/// `input-required` while its agent waited for the answer, see ``savePaused(_:)``) as `failed`,
/// with a status message saying the server restarted while it ran, and keeps its output so
/// far. Runs are not resumed: a pipeline's stages stream from agents whose connections died
/// with the process. Tasks that *ended* in `input-required` (the next message starts a new
/// run) stay so and can be continued.
///
/// **Retention.** Finished tasks (terminal, or waiting for input) are forgotten
/// `finishedTaskTTL` after they finished, and beyond `maxTasks` stored tasks the oldest
/// finished ones are deleted first; running tasks are never deleted.
public actor SQLiteTaskStore: TaskStore, Service {
    /// The database file.
    public nonisolated let path: String
    /// Keep at most this many tasks (running ones excepted).
    public nonisolated let maxTasks: Int
    /// Forget a finished task this long after it finished.
    public nonisolated let finishedTaskTTL: Duration
    /// Write queued chunks at least this often.
    public nonisolated let flushInterval: Duration
    /// Write at once when this many bytes of changes wait.
    public nonisolated let maxPendingBytes: Int

    private let db: SQLiteConnection
    private let now: @Sendable () -> Date
    private let logger: Logger
    private var nextSeq: Int64
    private var rowCount: Int
    /// Running tasks saved at their announcement, with the last state written.
    private var running: [String: (contextId: String, state: TaskState)] = [:]
    private var pending: [String: PendingChanges] = [:]
    private var pendingBytes = 0
    private var nextEventNumber: [String: Int64] = [:]
    private var lastSweep: Date
    private var writing = false
    private var writeWaiters: [CheckedContinuation<Void, Never>] = []
    private var closed = false
    /// The tasks that were running when the store was opened, now marked failed.
    public private(set) var interruptedAtOpen: [String] = []

    /// The message of tasks found running when the store is opened.
    public static let restartedMessage =
        "The server restarted while this task was running, so it did not finish; its output so far is kept. Send the message again to run it anew."

    private init(
        path: String, db: SQLiteConnection, maxTasks: Int, finishedTaskTTL: Duration, flushInterval: Duration,
        maxPendingBytes: Int, now: @escaping @Sendable () -> Date, logger: Logger, nextSeq: Int64, rowCount: Int
    ) {
        self.path = path
        self.db = db
        self.maxTasks = max(1, maxTasks)
        self.finishedTaskTTL = finishedTaskTTL
        self.flushInterval = flushInterval
        self.maxPendingBytes = max(1, maxPendingBytes)
        self.now = now
        self.logger = logger
        self.nextSeq = nextSeq
        self.rowCount = rowCount
        self.lastSweep = now()
    }

    /// Opens (or creates) the store at `path`, marks the tasks that were running as failed, and
    /// applies the retention limits.
    /// - Parameters:
    ///   - now: the wall clock (tests pass their own to test expiry).
    /// - Throws: ``SQLiteTaskStoreError`` when the file cannot be opened or is not such a store.
    public static func open(
        path: String,
        maxTasks: Int = 10_000,
        finishedTaskTTL: Duration = .seconds(86_400),
        flushInterval: Duration = .milliseconds(200),
        maxPendingBytes: Int = 4 << 20,
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "a2a-pipe.store")
    ) async throws(SQLiteTaskStoreError) -> SQLiteTaskStore {
        let db: SQLiteConnection
        do {
            db = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        } catch {
            throw .cannotOpen(path: path, reason: Self.describe(error))
        }
        do {
            let mode = try await Self.run(db, "PRAGMA journal_mode=WAL").first?.column("journal_mode")?.string
            guard mode?.lowercased() == "wal" else {
                throw SQLiteTaskStoreError.cannotOpen(path: path, reason: "the journal cannot be switched to WAL (it is \(mode ?? "unknown"))")
            }
            _ = try await Self.run(db, "PRAGMA synchronous=NORMAL")
            _ = try await Self.run(db, "PRAGMA foreign_keys=ON")
            _ = try await Self.run(db, "PRAGMA busy_timeout=5000")
            let version = try await Self.run(db, "PRAGMA user_version").first?.column("user_version")?.integer ?? 0
            guard version <= Self.schemaVersion else {
                throw SQLiteTaskStoreError.cannotOpen(path: path, reason: "it was written by a newer a2a-pipe (schema \(version), this one knows \(Self.schemaVersion))")
            }
            for statement in Self.schema { _ = try await Self.run(db, statement) }
            _ = try await Self.run(db, "PRAGMA user_version=\(Self.schemaVersion)")
            let seq = try await Self.run(db, "SELECT COALESCE(MAX(seq), 0) + 1 AS next, COUNT(*) AS n FROM tasks").first
            let store = SQLiteTaskStore(
                path: path, db: db, maxTasks: maxTasks, finishedTaskTTL: finishedTaskTTL, flushInterval: flushInterval,
                maxPendingBytes: maxPendingBytes, now: now, logger: logger,
                nextSeq: Int64(seq?.column("next")?.integer ?? 1), rowCount: Int(seq?.column("n")?.integer ?? 0))
            try await store.recover()
            return store
        } catch let error as SQLiteTaskStoreError {
            try? await Self.close(db)
            throw error
        } catch {
            try? await Self.close(db)
            throw .cannotOpen(path: path, reason: Self.describe(error))
        }
    }

    static let schemaVersion: SQLiteInt64 = 1

    static let schema = [
        // One row a task: the task as last written whole (A2A 1.0 JSON), its latest status,
        // and what ListTasks filters on. seq orders tasks (newest first) and pages.
        """
        CREATE TABLE IF NOT EXISTS tasks (
            id TEXT PRIMARY KEY,
            seq INTEGER NOT NULL UNIQUE,
            context_id TEXT NOT NULL,
            state TEXT NOT NULL,
            finished_at REAL,
            task TEXT NOT NULL,
            status TEXT NOT NULL
        )
        """,
        "CREATE INDEX IF NOT EXISTS tasks_context ON tasks (context_id, seq)",
        "CREATE INDEX IF NOT EXISTS tasks_finished ON tasks (finished_at) WHERE finished_at IS NOT NULL",
        // A running task's chunks and messages since it was last written whole (A2A 1.0 JSON
        // stream responses), folded into it when read; deleted when it is written whole.
        """
        CREATE TABLE IF NOT EXISTS task_events (
            task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
            n INTEGER NOT NULL,
            event TEXT NOT NULL,
            PRIMARY KEY (task_id, n)
        ) WITHOUT ROWID
        """,
        // Every change of state of every task, in order.
        """
        CREATE TABLE IF NOT EXISTS task_status_history (
            task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
            n INTEGER NOT NULL,
            state TEXT NOT NULL,
            status TEXT NOT NULL,
            PRIMARY KEY (task_id, n)
        ) WITHOUT ROWID
        """,
    ]

    // MARK: TaskStore

    public func task(id: String) async -> A2ATask? {
        do {
            return try await exclusive {
                let rows = try await Self.run(db,
                    "SELECT id, task, status, finished_at FROM tasks WHERE id = ?1 AND (finished_at IS NULL OR finished_at >= ?2)",
                    [.text(id), .float(cutoff)])
                guard let row = rows.first else { return nil }
                return try await decode(row)
            }
        } catch {
            logger.error("could not read task \(id) from the task store \(path): \(Self.describe(error))")
            return nil
        }
    }

    public func save(_ task: A2ATask) async {
        await saveWhole(task, finished: task.status.state.endsStream)
    }

    /// Writes the task whole but keeps it as running: its agent waits for input in this
    /// process, so a restart fails it like any run it interrupted.
    public func savePaused(_ task: A2ATask) async {
        await saveWhole(task, finished: false)
    }

    private func saveWhole(_ task: A2ATask, finished: Bool) async {
        pendingBytes -= pending.removeValue(forKey: task.id)?.bytes ?? 0
        let previous = running[task.id]?.state
        if finished {
            running[task.id] = nil
            nextEventNumber[task.id] = nil
        } else {
            running[task.id] = (task.contextId, task.status.state)
            nextEventNumber[task.id] = 0
        }
        // Taken now, before any suspension, so concurrent saves never share one; an update
        // leaves it unused (gaps only order).
        let seq = nextSeq
        nextSeq += 1
        let status = Self.json(WireEncoder(.v1_0).status(task.status))
        var statements: [(String, [SQLiteData])] = [
            (
                """
                INSERT INTO tasks (id, seq, context_id, state, finished_at, task, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                ON CONFLICT (id) DO UPDATE SET context_id = excluded.context_id, state = excluded.state,
                    finished_at = CASE WHEN excluded.finished_at IS NULL THEN NULL ELSE COALESCE(tasks.finished_at, excluded.finished_at) END,
                    task = excluded.task, status = excluded.status
                RETURNING seq
                """,
                [
                    .text(task.id), .integer(SQLiteInt64(seq)), .text(task.contextId), .text(task.status.state.v10Name),
                    finished ? .float(now().timeIntervalSince1970) : .null, .text(Self.json(WireEncoder(.v1_0).task(task))), .text(status),
                ]
            ),
            ("DELETE FROM task_events WHERE task_id = ?1", [.text(task.id)]),
        ]
        if previous != task.status.state {
            statements.append(Self.historyRow(id: task.id, state: task.status.state, status: status))
        }
        let results = await write(statements, what: "task \(task.id)")
        if let inserted = results?.first?.first?.column("seq")?.integer, Int64(inserted) == seq {
            rowCount += 1
            if rowCount > maxTasks { await sweep() }
        }
        if now().timeIntervalSince(lastSweep) > 1 { await sweep() }
    }

    public func record(_ event: StreamResponse) async {
        guard let id = event.taskId, let task = running[id] else { return }
        var changes = pending.removeValue(forKey: id) ?? PendingChanges()
        pendingBytes -= changes.bytes
        var writeNow = false
        switch event {
        case .statusUpdate(let u):
            changes.status = u.status
            if u.status.state != task.state {
                changes.stateChanged = true
                running[id]?.state = u.status.state
                writeNow = true
            }
        case .artifactUpdate(let u):
            changes.add(u)
        case .message(let m):
            changes.add(m)
        case .task:
            return
        }
        pendingBytes += changes.bytes
        pending[id] = changes
        if writeNow || pendingBytes > maxPendingBytes { await flush() }
    }

    public func list(_ query: TaskStoreQuery) async throws(TaskStoreError) -> TaskStorePage {
        var before = Int64.max
        if let token = query.pageToken, !token.isEmpty {
            guard let n = Int64(token, radix: 16) else { throw .invalidPageToken(token) }
            before = n
        }
        var filter = "(finished_at IS NULL OR finished_at >= ?1)"
        var binds: [SQLiteData] = [.float(cutoff)]
        if let c = query.contextId {
            binds.append(.text(c))
            filter += " AND context_id = ?\(binds.count)"
        }
        if let s = query.state {
            binds.append(.text(s.v10Name))
            filter += " AND state = ?\(binds.count)"
        }
        let pageSize = max(1, query.pageSize)
        do {
            return try await exclusive {
                let total = try await Self.run(db, "SELECT COUNT(*) AS n FROM tasks WHERE \(filter)", binds).first?.column("n")?.integer ?? 0
                let rows = try await Self.run(db,
                    "SELECT id, seq, task, status, finished_at FROM tasks WHERE \(filter) AND seq < ?\(binds.count + 1) ORDER BY seq DESC LIMIT ?\(binds.count + 2)",
                    binds + [.integer(SQLiteInt64(before)), .integer(SQLiteInt64(pageSize + 1))])
                var tasks: [A2ATask] = []
                for row in rows.prefix(pageSize) { tasks.append(try await decode(row)) }
                var next: String?
                if rows.count > pageSize, let last = rows.prefix(pageSize).last?.column("seq")?.integer {
                    next = String(Int64(last), radix: 16)
                }
                return TaskStorePage(tasks: tasks, nextPageToken: next, totalSize: Int(total))
            }
        } catch {
            logger.error("could not list tasks from the task store \(path): \(Self.describe(error))")
            return TaskStorePage(tasks: [], nextPageToken: nil, totalSize: 0)
        }
    }

    // MARK: Writing

    /// Writes every queued change.
    public func flush() async {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending.removeAll()
        pendingBytes = 0
        var statements: [(String, [SQLiteData])] = []
        let encoder = WireEncoder(.v1_0)
        for (id, var changes) in batch {
            guard let task = running[id] else { continue }
            if let status = changes.status {
                let json = Self.json(encoder.status(status))
                statements.append(("UPDATE tasks SET state = ?2, status = ?3 WHERE id = ?1", [.text(id), .text(status.state.v10Name), .text(json)]))
                if changes.stateChanged { statements.append(Self.historyRow(id: id, state: status.state, status: json)) }
            }
            for event in changes.takeEvents(taskId: id, contextId: task.contextId) {
                let n = nextEventNumber[id, default: 0]
                nextEventNumber[id] = n + 1
                statements.append((
                    "INSERT INTO task_events (task_id, n, event) VALUES (?1, ?2, ?3)",
                    [.text(id), .integer(SQLiteInt64(n)), .text(Self.json(encoder.streamResponse(event)))]
                ))
            }
        }
        if !statements.isEmpty { _ = await write(statements, what: "the changes of \(batch.count) running task(s)") }
    }

    /// Runs `statements` in one transaction; logs and returns `nil` when it fails.
    private func write(_ statements: [(String, [SQLiteData])], what: String) async -> [[SQLiteRow]]? {
        guard !closed else {
            logger.error("could not write \(what): the task store \(path) is closed")
            return nil
        }
        do {
            return try await exclusive {
                _ = try await Self.run(db, "BEGIN IMMEDIATE")
                do {
                    var results: [[SQLiteRow]] = []
                    for (sql, binds) in statements { results.append(try await Self.run(db, sql, binds)) }
                    _ = try await Self.run(db, "COMMIT")
                    return results
                } catch {
                    _ = try? await Self.run(db, "ROLLBACK")
                    throw error
                }
            }
        } catch {
            logger.error("could not write \(what) to the task store \(path): \(Self.describe(error)); check the disk has space and the file is writable")
            return nil
        }
    }

    private static func historyRow(id: String, state: TaskState, status: String) -> (String, [SQLiteData]) {
        (
            "INSERT INTO task_status_history (task_id, n, state, status) VALUES (?1, (SELECT COALESCE(MAX(n), 0) + 1 FROM task_status_history WHERE task_id = ?1), ?2, ?3)",
            [.text(id), .text(state.v10Name), .text(status)]
        )
    }

    // MARK: Retention

    private var cutoff: Double { now().timeIntervalSince1970 - Self.seconds(finishedTaskTTL) }

    /// Deletes expired finished tasks, then the oldest finished ones while over `maxTasks`.
    public func sweep() async {
        lastSweep = now()
        do {
            try await exclusive {
                _ = try await Self.run(db, "DELETE FROM tasks WHERE finished_at IS NOT NULL AND finished_at < ?1", [.float(cutoff)])
                var count = Int(try await Self.run(db, "SELECT COUNT(*) AS n FROM tasks").first?.column("n")?.integer ?? 0)
                if count > maxTasks {
                    _ = try await Self.run(db,
                        "DELETE FROM tasks WHERE id IN (SELECT id FROM tasks WHERE finished_at IS NOT NULL ORDER BY finished_at, seq LIMIT ?1)",
                        [.integer(SQLiteInt64(count - maxTasks))])
                    count = Int(try await Self.run(db, "SELECT COUNT(*) AS n FROM tasks").first?.column("n")?.integer ?? 0)
                }
                rowCount = count
            }
        } catch {
            logger.error("could not apply the retention limits to the task store \(path): \(Self.describe(error))")
        }
    }

    // MARK: Restart

    /// Marks the tasks found running as failed (see the type's documentation).
    private func recover() async throws {
        let rows = try await Self.run(db, "SELECT id, task, status, finished_at FROM tasks WHERE finished_at IS NULL ORDER BY seq")
        for row in rows {
            var task = try await decode(row)
            task.status = TaskStatus(
                state: .failed,
                message: Message(
                    messageId: IDs.make(), role: .agent, parts: [.text(Self.restartedMessage)],
                    contextId: task.contextId, taskId: task.id),
                timestamp: now())
            running[task.id] = (task.contextId, TaskState(lenient: row.column("state")?.string ?? "") )
            await save(task)
            interruptedAtOpen.append(task.id)
            logger.notice("task \(task.id) was running when the server stopped; marked failed")
        }
        // Leftover log rows of finished tasks (none unless written by hand) are dropped.
        _ = try await Self.run(db, "DELETE FROM task_events WHERE task_id IN (SELECT id FROM tasks WHERE finished_at IS NOT NULL)")
        await sweep()
    }

    // MARK: Inspecting

    /// The states a task went through, oldest first, each with its status as written.
    public func statusHistory(taskId: String) async throws -> [TaskStatus] {
        try await exclusive {
            try await Self.run(db, "SELECT status FROM task_status_history WHERE task_id = ?1 ORDER BY n", [.text(taskId)])
                .map { row in try WireDecoder.status(JSONParser().parse(row.column("status")?.string ?? "")) }
        }
    }

    /// How many rows the event log of `taskId` has (tests check that chunks are coalesced).
    public func eventLogCount(taskId: String) async throws -> Int {
        try await exclusive {
            Int(try await Self.run(db, "SELECT COUNT(*) AS n FROM task_events WHERE task_id = ?1", [.text(taskId)]).first?.column("n")?.integer ?? 0)
        }
    }

    /// The number of stored tasks, expired ones included until the next sweep.
    public var count: Int { rowCount }

    // MARK: Service

    /// Writes queued chunks every `flushInterval` and applies retention every few seconds,
    /// until the service group shuts down; then writes what is left.
    public func run() async throws {
        let interval = flushInterval
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    break
                }
                await self.flush()
                if await self.sweepDue { await self.sweep() }
            }
        }
        await flush()
    }

    private var sweepDue: Bool { now().timeIntervalSince(lastSweep) > 5 }

    /// Writes what is queued and closes the file. Later writes are logged and dropped.
    public func close() async {
        await flush()
        guard !closed else { return }
        closed = true
        do {
            try await exclusive { try await Self.close(db) }
        } catch {
            logger.error("could not close the task store \(path): \(Self.describe(error))")
        }
    }

    // MARK: Helpers

    /// Runs `body` with the connection to itself (one transaction or read at a time), in the
    /// order the callers came: a batch of log rows numbered earlier commits earlier.
    private func exclusive<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        if writing {
            // Woken by the previous holder, which hands the connection over (writing stays true).
            await withCheckedContinuation { writeWaiters.append($0) }
        } else {
            writing = true
        }
        defer {
            if writeWaiters.isEmpty { writing = false } else { writeWaiters.removeFirst().resume() }
        }
        return try await body()
    }

    /// A task row (with `id`, `task`, `status`, `finished_at`), with its event log folded in
    /// when it is still running.
    private func decode(_ row: SQLiteRow) async throws -> A2ATask {
        let parser = JSONParser()
        var task = try WireDecoder.task(parser.parse(row.column("task")?.string ?? ""))
        task.status = try WireDecoder.status(parser.parse(row.column("status")?.string ?? ""))
        if row.column("finished_at")?.isNull ?? true {
            let events = try await Self.run(db, "SELECT event FROM task_events WHERE task_id = ?1 ORDER BY n", [.text(task.id)])
            for e in events {
                switch try WireDecoder.streamResponse(parser.parse(e.column("event")?.string ?? "")) {
                case .artifactUpdate(let u): task.applyChunk(u)
                case .message(let m): task.history.append(m)
                case .task, .statusUpdate: break
                }
            }
        }
        return task
    }

    /// Runs one statement to its end even when the calling task is cancelled: a task that is
    /// being cancelled (a run cancelled at shutdown, say) must still be saved, and sqlite-nio's
    /// async calls give up on cancellation. Its future-based calls do not.
    private static func run(_ db: SQLiteConnection, _ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        let rows: EventLoopFuture<[SQLiteRow]> = db.query(sql, binds)
        return try await rows.get()
    }

    private static func close(_ db: SQLiteConnection) async throws {
        let done: EventLoopFuture<Void> = db.close()
        try await done.get()
    }

    private static func json(_ value: JSONValue) -> String { JSONWriter.string(value) }

    private static func seconds(_ d: Duration) -> Double {
        let c = d.components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? SQLiteError { return e.message }
        return String(describing: error)
    }
}
