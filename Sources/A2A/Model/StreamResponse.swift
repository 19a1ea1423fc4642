/// A status change of a task, sent while it runs.
public struct TaskStatusUpdateEvent: Sendable, Equatable {
    /// The task.
    public var taskId: String
    /// The task's conversation.
    public var contextId: String
    /// The new status.
    public var status: TaskStatus
    /// A2A 0.3's `final` flag. Informational only: streams end at EOF (a2a-wire.md §4.2).
    public var isFinal: Bool
    /// Event metadata (not persisted in the task by peers).
    public var metadata: JSONObject?

    /// Creates a status update.
    public init(taskId: String, contextId: String, status: TaskStatus, isFinal: Bool = false, metadata: JSONObject? = nil) {
        self.taskId = taskId
        self.contextId = contextId
        self.status = status
        self.isFinal = isFinal
        self.metadata = metadata
    }
}

/// A chunk of an artifact, sent while a task runs.
public struct TaskArtifactUpdateEvent: Sendable, Equatable {
    /// The task.
    public var taskId: String
    /// The task's conversation.
    public var contextId: String
    /// The chunk: its `parts` are the new content.
    public var artifact: Artifact
    /// Append `parts` to the artifact with this id (otherwise create or replace it).
    public var append: Bool
    /// This is the artifact's last chunk.
    public var lastChunk: Bool
    /// Event metadata (not persisted in the task by peers).
    public var metadata: JSONObject?

    /// Creates an artifact update.
    public init(taskId: String, contextId: String, artifact: Artifact, append: Bool = false, lastChunk: Bool = false, metadata: JSONObject? = nil) {
        self.taskId = taskId
        self.contextId = contextId
        self.artifact = artifact
        self.append = append
        self.lastChunk = lastChunk
        self.metadata = metadata
    }
}

/// One event of a stream: a task snapshot, a message, a status update or an artifact chunk.
public enum StreamResponse: Sendable, Equatable {
    case task(A2ATask)
    case message(Message)
    case statusUpdate(TaskStatusUpdateEvent)
    case artifactUpdate(TaskArtifactUpdateEvent)

    /// The id of the task this event is about, if any.
    public var taskId: String? {
        switch self {
        case .task(let t): t.id
        case .message(let m): m.taskId
        case .statusUpdate(let u): u.taskId
        case .artifactUpdate(let u): u.taskId
        }
    }

    /// The state this event puts the task in, if it carries one.
    public var state: TaskState? {
        switch self {
        case .task(let t): t.status.state
        case .statusUpdate(let u): u.status.state
        case .message, .artifactUpdate: nil
        }
    }
}

/// The reply to a non-streaming send: a task, or a direct message.
public enum SendMessageResult: Sendable, Equatable {
    case task(A2ATask)
    case message(Message)
}
