/// A unit of work an agent runs for a client: its status, outputs and history.
///
/// Named `A2ATask` so it does not shadow Swift's `Task`.
public struct A2ATask: Sendable, Equatable {
    /// Unique id, chosen by the agent.
    public var id: String
    /// The conversation this task belongs to.
    public var contextId: String
    /// Current status.
    public var status: TaskStatus
    /// Outputs so far.
    public var artifacts: [Artifact]
    /// Messages exchanged so far.
    public var history: [Message]
    /// Free-form metadata.
    public var metadata: JSONObject?

    /// Creates a task.
    public init(
        id: String,
        contextId: String,
        status: TaskStatus,
        artifacts: [Artifact] = [],
        history: [Message] = [],
        metadata: JSONObject? = nil
    ) {
        self.id = id
        self.contextId = contextId
        self.status = status
        self.artifacts = artifacts
        self.history = history
        self.metadata = metadata
    }

    /// The text of all artifacts, concatenated in order.
    public var artifactText: String {
        var out = ""
        for artifact in artifacts { out += artifact.text }
        return out
    }

    /// Applies a stream event to this task, as a client aggregates a stream (a2a-wire.md §10):
    /// a status update replaces the status; an artifact update creates, replaces or appends by id.
    public mutating func apply(_ event: StreamResponse) {
        switch event {
        case .task(let task):
            self = task
        case .message(let message):
            history.append(message)
        case .statusUpdate(let update):
            status = update.status
            if let m = update.metadata {
                var merged = metadata ?? JSONObject()
                for (k, v) in m { merged[k] = v }
                metadata = merged
            }
        case .artifactUpdate(let update):
            if let i = artifacts.firstIndex(where: { $0.artifactId == update.artifact.artifactId }) {
                if update.append {
                    artifacts[i].parts.append(contentsOf: update.artifact.parts)
                    if let m = update.artifact.metadata { artifacts[i].metadata = m }
                } else {
                    artifacts[i] = update.artifact
                }
            } else {
                artifacts.append(update.artifact)
            }
        }
    }
}
