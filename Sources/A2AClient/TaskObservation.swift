import A2A

/// What a client knows about a task from the events it has seen: its ids, its state, the
/// agent's latest status text, whether it is settled, and the new text each event brings
/// (exactly once, across chunks, snapshots and re-attaches; ``ArtifactTextTracker``).
///
/// The one fold of A2A events shared by the pipeline engine and the command-line client.
public struct TaskObservation: Sendable {
    /// The first task id the events named.
    public private(set) var taskId: String?
    /// The latest context id the events named.
    public private(set) var contextId: String?
    /// The latest state; set it to `nil` before continuing a task that asked for input.
    public var state: TaskState?
    /// The latest non-empty status message text (a question, an error, a progress note).
    public private(set) var statusText: String?
    /// The agent answered with a message instead of a task.
    public private(set) var gotMessage = false
    private var tracker = ArtifactTextTracker()

    public init() {}

    /// The task reached a terminal or interrupted state, or the agent answered with a message.
    public var isSettled: Bool { gotMessage || (state?.endsStream ?? false) }

    /// Folds one event in; returns the new text it brings.
    public mutating func observe(_ event: StreamResponse) -> String {
        if let id = event.taskId, !id.isEmpty, taskId == nil { taskId = id }
        switch event {
        case .task(let task):
            if !task.contextId.isEmpty { contextId = task.contextId }
            state = task.status.state
            if let text = task.status.message?.text, !text.isEmpty { statusText = text }
        case .statusUpdate(let update):
            if !update.contextId.isEmpty { contextId = update.contextId }
            state = update.status.state
            if let text = update.status.message?.text, !text.isEmpty { statusText = text }
        case .artifactUpdate(let update):
            if !update.contextId.isEmpty, contextId == nil { contextId = update.contextId }
        case .message(let message):
            if message.role == .agent { gotMessage = true }
            if let c = message.contextId { contextId = c }
        }
        return tracker.newText(in: event)
    }
}
