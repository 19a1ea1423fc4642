import A2A
import A2AClient

/// Reads an agent's A2A events (from the wire or from an in-process executor) into stage
/// outputs: new text exactly once (``ArtifactTextTracker``, across re-attaches and
/// snapshots), numeric progress, and how the task ended.
struct TaskEventInterpreter: Sendable {
    var tracker = ArtifactTextTracker()
    var taskId: String?
    var contextId: String?
    var state: TaskState?
    var statusText: String?
    var gotMessage = false

    /// The task reached a terminal or interrupted state, or the agent answered with a message.
    var isSettled: Bool { gotMessage || (state?.endsStream ?? false) }

    /// What one event brings.
    struct Reading {
        var text: String
        var progress: Double?
        var message: String?
    }

    mutating func read(_ event: StreamResponse) -> Reading {
        if let id = event.taskId, !id.isEmpty, taskId == nil { taskId = id }
        var reading = Reading(text: tracker.newText(in: event))
        switch event {
        case .task(let task):
            if !task.contextId.isEmpty { contextId = task.contextId }
            state = task.status.state
            if let text = task.status.message?.text, !text.isEmpty { statusText = text }
            reading.progress = Self.progress(task.status.message?.metadata) ?? Self.progress(task.metadata)
        case .statusUpdate(let update):
            if !update.contextId.isEmpty { contextId = update.contextId }
            state = update.status.state
            let text = update.status.message?.text
            if let text, !text.isEmpty { statusText = text }
            if update.status.state == .working || update.status.state == .submitted {
                reading.progress = Self.progress(update.metadata) ?? Self.progress(update.status.message?.metadata)
                if reading.progress != nil { reading.message = text }
            }
        case .artifactUpdate(let update):
            if !update.contextId.isEmpty, contextId == nil { contextId = update.contextId }
            reading.progress = Self.progress(update.metadata) ?? Self.progress(update.artifact.metadata)
        case .message(let message):
            if message.role == .agent { gotMessage = true }
            if let c = message.contextId { contextId = c }
        }
        return reading
    }

    /// Numeric progress in metadata: `progress` (0…1 or 0…100), or the a2a-pipe progress
    /// extension's payload (a served pipeline) under ``ProgressMetadata/extensionURI``.
    static func progress(_ metadata: JSONObject?) -> Double? {
        guard let metadata else { return nil }
        if let p = ProgressMetadata.progress(in: metadata) { return p }
        if let payload = metadata[ProgressMetadata.extensionURI]?.objectValue {
            return ProgressMetadata.progress(in: payload)
        }
        return nil
    }

    /// Throws unless the task completed (or the agent answered with a message).
    func checkOutcome() throws {
        if gotMessage { return }
        switch state {
        case .completed?:
            return
        case .failed?:
            throw AgentFailure(message: "the agent's task failed" + (statusText.map { ": \($0)" } ?? ""))
        case .rejected?:
            throw AgentFailure(message: "the agent rejected the task" + (statusText.map { ": \($0)" } ?? ""), retryable: false)
        case .canceled?:
            throw AgentFailure(message: "the agent canceled the task" + (statusText.map { ": \($0)" } ?? ""))
        case .authRequired?:
            throw AgentFailure(message: "the agent needs authorization" + (statusText.map { ": \($0)" } ?? ""), retryable: false)
        case .inputRequired?:
            throw AgentFailure(message: "the agent asked for input: \(statusText ?? "(no question text)"); a pipeline stage cannot answer it", retryable: false)
        case .submitted?, .working?, .unknown?, nil:
            throw AgentFailure(message: "the agent's reply ended before its task finished (state \(state?.v03Name ?? "unknown"))")
        }
    }
}
