import A2A

/// Where finished and running tasks are kept between requests.
///
/// The server saves a task whole when it is first announced and when its run settles (terminal
/// or interrupted state), and the settled task is saved before any client is told the run
/// ended. In between it ``record(_:)``s each change of the running task (status updates,
/// artifact chunks, messages), which a durable store writes as they come (coalesced) and an
/// in-memory store may ignore, since a running task is read from its live run.
/// Implementations must be bounded: a long-running server must not grow without end.
public protocol TaskStore: Sendable {
    /// The task with this id, if stored.
    func task(id: String) async -> A2ATask?
    /// Saves (creates or replaces) a task.
    func save(_ task: A2ATask) async
    /// Records one change of a running task that was saved when it was announced: a status
    /// update that does not end the run, an artifact chunk, or a message added to its history.
    /// The event carries the task's id. Must return promptly: a store that writes to disk
    /// queues and coalesces rather than making the agent wait for every chunk.
    func record(_ event: StreamResponse) async
    /// Saves a task whose run paused at `input-required` with its agent still running and
    /// waiting for the answer (``TaskUpdater/askForInput(_:metadata:)``). Unlike a task that
    /// ended in `input-required`, it lives only as long as the process: a durable store keeps
    /// it as running, so that after a restart it is reported as interrupted.
    func savePaused(_ task: A2ATask) async
    /// A page of tasks, newest first.
    func list(_ query: TaskStoreQuery) async throws(TaskStoreError) -> TaskStorePage
}

extension TaskStore {
    /// Ignores the change: the live run has the running task, and ``save(_:)`` stores it whole
    /// when it settles.
    public func record(_ event: StreamResponse) async {}

    /// Saves the task as any other: a store that is lost with the process needs no difference.
    public func savePaused(_ task: A2ATask) async { await save(task) }
}

/// What to list.
public struct TaskStoreQuery: Sendable, Equatable {
    /// Only tasks of this conversation.
    public var contextId: String?
    /// Only tasks in this state.
    public var state: TaskState?
    /// At most this many tasks.
    public var pageSize: Int
    /// The cursor returned with the previous page.
    public var pageToken: String?

    public init(contextId: String? = nil, state: TaskState? = nil, pageSize: Int = 50, pageToken: String? = nil) {
        self.contextId = contextId
        self.state = state
        self.pageSize = pageSize
        self.pageToken = pageToken
    }
}

/// One page of tasks.
public struct TaskStorePage: Sendable, Equatable {
    /// The tasks, newest first.
    public var tasks: [A2ATask]
    /// The cursor for the next page; `nil` on the last page.
    public var nextPageToken: String?
    /// How many tasks match the query in all.
    public var totalSize: Int

    public init(tasks: [A2ATask], nextPageToken: String?, totalSize: Int) {
        self.tasks = tasks
        self.nextPageToken = nextPageToken
        self.totalSize = totalSize
    }
}

/// A store could not answer.
public enum TaskStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The page token was not issued by this store (or has expired).
    case invalidPageToken(String)

    public var description: String {
        switch self {
        case .invalidPageToken(let t): "invalid pageToken '\(t)'"
        }
    }
}
