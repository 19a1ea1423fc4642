import A2A

/// One event of a pipeline run. Every sink (terminal view, JSON Lines, the A2A server)
/// consumes the same sequence of these, produced once by the engine.
///
/// The JSON Lines form (``json``) is the contract of design.md §4; the cases marked
/// *extension* add event types the contract does not list.
public enum PipelineEvent: Sendable, Equatable {
    /// The run started; `stages` in display order.
    case pipelineStarted(pipeline: String, stages: [String])
    /// A stage started an attempt (a `for_each` stage: when its first item starts).
    case stageStarted(stage: String, attempt: Int)
    /// Text a stage produced (`item` for a `for_each` stage's item).
    case stageChunk(stage: String, item: Int?, text: String)
    /// A stage's own progress, 0…1, with the agent's message if any.
    case stageProgress(stage: String, progress: Double, message: String?)
    /// *Extension* (`stage.items`): a `for_each` stage's item counts; `total` is known once
    /// the upstream has finished.
    case stageItems(stage: String, done: Int, running: Int, total: Int?)
    /// *Extension* (`stage.task`): a remote agent created the task for a stage's attempt (or
    /// one of its items): its `task_id` and `context_id` at `agent`, to look it up there.
    case stageTask(stage: String, item: Int?, agent: String, taskId: String, contextId: String?)
    /// *Extension* (`stage.input_required`): a remote agent asked a question.
    case stageInputRequired(stage: String, question: String)
    /// A stage finished.
    case stageCompleted(stage: String, elapsed: Duration)
    /// An attempt of a stage (or of one of its items) failed.
    case stageFailed(stage: String, attempt: Int, item: Int?, error: String, willRetry: Bool)
    /// The pipeline's progress, 0…1, never decreasing.
    case pipelineProgress(Double)
    /// *Extension* (`pipeline.output`): output text as the output stage produces it.
    case pipelineOutput(text: String)
    /// The run succeeded. `output` is the whole output when the run kept it (see
    /// ``EngineConfiguration/retainOutput``).
    case pipelineCompleted(output: String?, elapsed: Duration)
    /// The run failed (or was cancelled, with `stage` nil).
    case pipelineFailed(stage: String?, error: String)

    /// The stage this event is about, if any.
    public var stage: String? {
        switch self {
        case .stageStarted(let s, _), .stageChunk(let s, _, _), .stageProgress(let s, _, _), .stageItems(let s, _, _, _),
             .stageInputRequired(let s, _), .stageCompleted(let s, _), .stageFailed(let s, _, _, _, _),
             .stageTask(let s, _, _, _, _):
            return s
        case .pipelineFailed(let s, _):
            return s
        case .pipelineStarted, .pipelineProgress, .pipelineOutput, .pipelineCompleted:
            return nil
        }
    }

    /// The `type` member of the JSON Lines form.
    public var type: String {
        switch self {
        case .pipelineStarted: "pipeline.started"
        case .stageStarted: "stage.started"
        case .stageChunk: "stage.chunk"
        case .stageProgress: "stage.progress"
        case .stageItems: "stage.items"
        case .stageTask: "stage.task"
        case .stageInputRequired: "stage.input_required"
        case .stageCompleted: "stage.completed"
        case .stageFailed: "stage.failed"
        case .pipelineProgress: "pipeline.progress"
        case .pipelineOutput: "pipeline.output"
        case .pipelineCompleted: "pipeline.completed"
        case .pipelineFailed: "pipeline.failed"
        }
    }

    /// The JSON Lines form: one object, `type` first.
    public var json: JSONValue {
        var o = JSONObject()
        o.append("type", .string(type))
        switch self {
        case .pipelineStarted(let pipeline, let stages):
            o.append("pipeline", .string(pipeline))
            o.append("stages", .array(stages.map { .string($0) }))
        case .stageStarted(let stage, let attempt):
            o.append("stage", .string(stage))
            o.append("attempt", .number(Double(attempt)))
        case .stageChunk(let stage, let item, let text):
            o.append("stage", .string(stage))
            if let item { o.append("item", .number(Double(item))) }
            o.append("text", .string(text))
        case .stageProgress(let stage, let progress, let message):
            o.append("stage", .string(stage))
            o.append("progress", .number(Self.round(progress)))
            if let message { o.append("message", .string(message)) }
        case .stageItems(let stage, let done, let running, let total):
            o.append("stage", .string(stage))
            o.append("done", .number(Double(done)))
            o.append("running", .number(Double(running)))
            o.append("total", total.map { .number(Double($0)) } ?? .null)
        case .stageTask(let stage, let item, let agent, let taskId, let contextId):
            o.append("stage", .string(stage))
            if let item { o.append("item", .number(Double(item))) }
            o.append("agent", .string(agent))
            o.append("task_id", .string(taskId))
            o.append("context_id", contextId.map { .string($0) } ?? .null)
        case .stageInputRequired(let stage, let question):
            o.append("stage", .string(stage))
            o.append("question", .string(question))
        case .stageCompleted(let stage, let elapsed):
            o.append("stage", .string(stage))
            o.append("elapsed_ms", .number(Double(Self.milliseconds(elapsed))))
        case .stageFailed(let stage, let attempt, let item, let error, let willRetry):
            o.append("stage", .string(stage))
            o.append("attempt", .number(Double(attempt)))
            if let item { o.append("item", .number(Double(item))) }
            o.append("error", .string(error))
            o.append("will_retry", .bool(willRetry))
        case .pipelineProgress(let progress):
            o.append("progress", .number(Self.round(progress)))
        case .pipelineOutput(let text):
            o.append("text", .string(text))
        case .pipelineCompleted(let output, let elapsed):
            o.append("output", output.map { .string($0) } ?? .null)
            o.append("elapsed_ms", .number(Double(Self.milliseconds(elapsed))))
        case .pipelineFailed(let stage, let error):
            o.append("stage", stage.map { .string($0) } ?? .null)
            o.append("error", .string(error))
        }
        return .object(o)
    }

    /// The JSON Lines form as one line of text (without the newline).
    public var jsonLine: String { JSONWriter.string(json) }

    static func round(_ p: Double) -> Double { (p * 10_000).rounded() / 10_000 }

    static func milliseconds(_ d: Duration) -> Int64 {
        let (s, atto) = d.components
        return s * 1000 + atto / 1_000_000_000_000_000
    }
}
