import A2A
import A2AClient

/// Reads an agent's A2A events (from the wire or from an in-process executor) into stage
/// outputs: new text exactly once (``ArtifactTextTracker``, across re-attaches and
/// snapshots), numeric progress, and how the task ended.
struct TaskEventInterpreter: Sendable {
    /// Ids, state, status text and new text: the fold shared with the command-line client.
    var observed = TaskObservation()

    var taskId: String? { observed.taskId }
    var contextId: String? { observed.contextId }
    var state: TaskState? {
        get { observed.state }
        set { observed.state = newValue }
    }
    var statusText: String? { observed.statusText }
    var gotMessage: Bool { observed.gotMessage }
    var isSettled: Bool { observed.isSettled }

    /// What one event brings.
    struct Reading {
        var text: String
        var progress: Double?
        var message: String?
    }

    mutating func read(_ event: StreamResponse) -> Reading {
        var reading = Reading(text: observed.observe(event))
        switch event {
        case .task(let task):
            reading.progress = Self.progress(task.status.message?.metadata) ?? Self.progress(task.metadata)
        case .statusUpdate(let update):
            if update.status.state == .working || update.status.state == .submitted {
                reading.progress = Self.progress(update.metadata) ?? Self.progress(update.status.message?.metadata)
                if reading.progress != nil { reading.message = update.status.message?.text }
            }
        case .artifactUpdate(let update):
            reading.progress = Self.progress(update.metadata) ?? Self.progress(update.artifact.metadata)
        case .message:
            break
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
