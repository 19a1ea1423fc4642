/// What an agent receives for one message.
public struct RequestContext: Sendable {
    /// The message from the client; its `taskId` and `contextId` are set.
    public var message: Message
    /// The task this message starts or continues.
    public var taskId: String
    /// The conversation the task belongs to.
    public var contextId: String
    /// The request's `params.metadata` (not persisted with the task).
    public var metadata: JSONObject?
    /// The task as it stood before this message, for a follow-up to a task that asked for
    /// input; `nil` for a new task.
    public var currentTask: A2ATask?

    /// Creates a context. The message's `taskId` and `contextId` are set to the given ids.
    public init(message: Message, taskId: String, contextId: String, metadata: JSONObject? = nil, currentTask: A2ATask? = nil) {
        var message = message
        message.taskId = taskId
        message.contextId = contextId
        self.message = message
        self.taskId = taskId
        self.contextId = contextId
        self.metadata = metadata
        self.currentTask = currentTask
    }

    /// A context for a new task with fresh ids (the message's context id is kept if it has one).
    public static func newTask(_ message: Message, metadata: JSONObject? = nil) -> RequestContext {
        RequestContext(message: message, taskId: IDs.make(), contextId: message.contextId ?? IDs.make(), metadata: metadata)
    }

    /// The text of the message's text parts, concatenated.
    public var userInput: String { message.text }

    /// Whether this message continues an existing task.
    public var isFollowUp: Bool { currentTask != nil }

    /// The task snapshot that opens this run: the current task (or a new one) in the
    /// `submitted` state, with this message appended to its history.
    public var initialTask: A2ATask {
        var task = currentTask ?? A2ATask(id: taskId, contextId: contextId, status: TaskStatus(state: .submitted))
        task.status = TaskStatus(state: .submitted, timestamp: .now)
        task.history.append(message)
        return task
    }
}
