import A2A

/// What one attempt of an agent produces, in order.
enum AgentOutput: Sendable {
    /// New output text (never repeated: re-attaches and snapshots are de-duplicated).
    case text(String)
    /// The agent's own progress, 0…1, with its status text if any.
    case progress(Double, message: String?)
    /// The agent asked a question (the run answers it or fails).
    case inputRequired(String)
    /// A remote agent created (or, after a follow-up, continues) the task for this call.
    case remoteTask(id: String, contextId: String?)
}

/// One call of a stage's agent: one attempt of a stage or of one `for_each` item.
struct AgentCall: Sendable {
    var stage: String
    var item: Int?
    var attempt: Int
    var input: String
}

/// The one interface through which the engine runs every kind of agent: remote A2A agents
/// (``RemoteStageAgent``), built-in agents in-process (``BuiltinStageAgent``) and nested
/// pipelines (``NestedStageAgent``).
protocol StageAgent: Sendable {
    /// Where the agent is, for error messages: its URL, `builtin NAME` or `pipeline FILE`.
    var label: String { get }
    /// Whether the engine itself must bound the silence between outputs (`idle_timeout`).
    /// Remote agents bound it in the client, where every byte (keep-alives included) counts.
    var enginePolicesIdle: Bool { get }
    /// Runs one attempt. `emit` is awaited for each output (a slow consumer slows the agent).
    /// Returns when the agent's task completed; throws when it failed, or when the calling task
    /// is cancelled (after cancelling any remote task it started, within the cancel bound).
    func run(_ call: AgentCall, emit: @escaping @Sendable (AgentOutput) async throws -> Void) async throws
}
