import A2A
import Foundation
import Synchronization

/// A pipeline as an A2A agent: each incoming message runs the pipeline once, with the message
/// text as `{{ input }}` (design.md §5).
///
/// The task streams, in order: status updates whose metadata carries the combined progress
/// (``ProgressPayload`` under ``ProgressMetadata/extensionURI``, on the event and on the status
/// message, plus a plain numeric `progress`), with readable status text; the pipeline output as
/// one artifact (`output`) streamed in chunks as the output stage produces it; then the
/// terminal state. Joined, the artifact text is exactly what `a2a-pipe run` prints on stdout.
///
/// When a stage's agent asks for input, the task goes `input-required` with that stage's
/// question (``TaskUpdater/askForInput(_:metadata:)``: the run keeps going); the caller's next
/// message on the task is sent back to the same remote task and the run continues. The engine
/// puts the questions of stages asking at once one at a time. A configuration that sets its own
/// ``EngineConfiguration/onInputRequired`` answers them instead.
public struct PipelineAgent: AgentExecutor {
    /// The pipeline.
    public let plan: Plan
    /// How runs are executed (share one ``AgentLauncher`` across runs). Its
    /// ``EngineConfiguration/remoteClients`` is set if it was not, so the runs share the
    /// remote agents' clients (their cards are not fetched on every run).
    public let configuration: EngineConfiguration
    /// The smallest gap between two progress updates that only change numbers; a stage
    /// changing state is always sent at once.
    public var progressInterval: Duration

    public init(plan: Plan, configuration: EngineConfiguration = .init(), progressInterval: Duration = .milliseconds(100)) {
        self.plan = plan
        var configuration = configuration
        if configuration.remoteClients == nil { configuration.remoteClients = RemoteClientCache() }
        self.configuration = configuration
        self.progressInterval = progressInterval
    }

    /// The artifact id of the pipeline's output.
    public static let outputArtifactId = "output"

    public func execute(_ context: RequestContext, updater: TaskUpdater) async throws {
        try await updater.startWork("starting \(plan.name)", progress: 0)
        var configuration = self.configuration
        configuration.retainOutput = true  // for a template output that arrives only at the end
        let sink = ServedRunSink(plan: plan, updater: updater, progressInterval: progressInterval)
        if configuration.onInputRequired == nil {
            // A stage's question becomes this task's question; the caller's answer on the same
            // task goes back to that stage's agent (design.md §5, issue 6). The engine asks one
            // question at a time.
            configuration.onInputRequired = { request in
                try await sink.flushProgress()
                // The question carries the progress payload (the stage shown waiting), so a
                // client that only sees this status (the web page) knows which stage asks.
                let metadata = sink.questionAsked(stage: request.stage, question: request.question)
                let answer = try await updater.askForInput(request.servedQuestion, metadata: metadata)
                sink.questionAnswered(stage: request.stage)
                return answer.text
            }
        }
        do {
            _ = try await Engine(plan: plan, configuration: configuration).run(input: context.userInput, sink: sink)
        } catch let error as PipelineRunError {
            try await sink.flushProgress()
            try await sink.finish(.failed, error.description)
            return
        }
        try await sink.flushProgress()
        try await updater.finishArtifact(Self.outputArtifactId)
        // The final status message keeps the final progress payload, so GetTask shows it.
        try await sink.finish(.completed, "\(plan.name) completed")
    }
}

extension InputRequest {
    /// The question as the served task asks it: `"stage: question"` (`"stage[item 2]: …"` for a
    /// `for_each` item), so the caller knows which stage it answers.
    var servedQuestion: String {
        let who = item.map { "\(stage)[item \($0)]" } ?? stage
        return "\(who): \(question)"
    }
}

/// Turns one run's pipeline events into task updates.
final class ServedRunSink: PipelineEventSink {
    let updater: TaskUpdater
    let progressInterval: Duration
    private struct State {
        var snapshot: PipelineSnapshot
        var lastSent: ContinuousClock.Instant?
        var lastStates: [StageState] = []
        var sentOutput = false
        var pendingProgress = false
    }
    private let state: Mutex<State>

    init(plan: Plan, updater: TaskUpdater, progressInterval: Duration) {
        self.updater = updater
        self.progressInterval = progressInterval
        state = Mutex(State(snapshot: PipelineSnapshot(pipeline: plan.name, stages: plan.stagesInDisplayOrder.map(\.id))))
    }

    func receive(_ event: PipelineEvent) async throws {
        let now = ContinuousClock.now
        let (send, output) = state.withLock { s -> (Bool, String?) in
            s.snapshot.apply(event, now: now)
            switch event {
            case .pipelineOutput(let text):
                s.sentOutput = true
                return (false, text)
            case .pipelineCompleted(let output, _):
                // A template output is only known at the end.
                return (false, s.sentOutput ? nil : output)
            case .stageChunk:
                // A chunk changes no state: it is sent when an update is due (at most every
                // `progressInterval`), so the payload's `tail` follows a stage that only streams.
                if s.lastSent.map({ now - $0 >= progressInterval }) ?? true {
                    s.lastSent = now
                    s.pendingProgress = false
                    return (true, nil)
                }
                s.pendingProgress = true
                return (false, nil)
            default:
                let states = s.snapshot.stages.map(\.state)
                let changed = states != s.lastStates
                let due = s.lastSent.map { now - $0 >= progressInterval } ?? true
                if changed || due {
                    s.lastStates = states
                    s.lastSent = now
                    s.pendingProgress = false
                    return (true, nil)
                }
                s.pendingProgress = true
                return (false, nil)
            }
        }
        if let output, !output.isEmpty {
            try await updater.addArtifact(text: output, artifactId: PipelineAgent.outputArtifactId, name: "output")
        }
        if send { try await sendProgress() }
    }

    /// Sends the latest progress if an update was held back by the rate limit.
    func flushProgress() async throws {
        let pending = state.withLock { s in
            defer { s.pendingProgress = false }
            return s.pendingProgress
        }
        if pending { try await sendProgress() }
    }

    /// Marks `stage` as waiting for an answer in the snapshot (the engine's own event may
    /// still be on its way) and returns the progress metadata to send with the question.
    func questionAsked(stage: String, question: String) -> JSONObject {
        state.withLock { $0.snapshot.apply(.stageInputRequired(stage: stage, question: question)) }
        return progressMessage(text: nil).1
    }

    /// The answer went back to `stage`: it runs again.
    func questionAnswered(stage: String) {
        state.withLock { s in
            if let i = s.snapshot.stages.firstIndex(where: { $0.id == stage && $0.state == .inputRequired }) {
                s.snapshot.stages[i].state = .running
            }
        }
    }

    private func sendProgress() async throws {
        let (message, metadata) = progressMessage(text: nil)
        try await updater.update(.working, message: message, metadata: metadata)
    }

    /// Ends the task in `state` with `text` as its status message, which (like the event)
    /// carries the final progress payload.
    func finish(_ state: TaskState, _ text: String) async throws {
        let (message, metadata) = progressMessage(text: text)
        try await updater.update(state, message: message, metadata: metadata)
    }

    /// A status message with the current progress payload in its metadata (and that metadata).
    private func progressMessage(text: String?) -> (Message, JSONObject) {
        let snapshot = state.withLock { $0.snapshot }
        let payload = ProgressPayload(snapshot)
        var metadata = JSONObject()
        metadata[ProgressMetadata.extensionURI] = payload.json
        metadata[ProgressMetadata.key] = .number(payload.progress)
        var message = updater.agentMessage(text ?? payload.summary, metadata: metadata)
        message.extensions = [ProgressMetadata.extensionURI]
        return (message, metadata)
    }
}

/// The payload of a2a-pipe's progress extension: the pipeline's progress and every stage's
/// state, progress, attempt and item counts (docs/progress-extension.md has its JSON Schema).
public struct ProgressPayload: Sendable, Equatable {
    public var progress: Double
    /// The stage most recently active, if any.
    public var stage: String?
    public var stages: [PipelineSnapshot.Stage]

    /// The payload of `snapshot` at `now`: a stage still running reports its elapsed time so far.
    public init(_ snapshot: PipelineSnapshot, now: ContinuousClock.Instant = .now) {
        progress = snapshot.progress
        stages = snapshot.stages
        for i in stages.indices where stages[i].elapsed == nil && !stages[i].state.isFinal {
            if let started = stages[i].startedAt { stages[i].elapsed = now - started }
        }
        stage = snapshot.stages.last { $0.state == .running || $0.state == .retrying || $0.state == .inputRequired }?.id
            ?? snapshot.stages.last { $0.state.isFinal && $0.state != .skipped }?.id
    }

    /// `{"progress":0.35,"stage":"summarize","stages":[{"id":…,"state":…,"progress":…,"attempt":…,"done":…,"total":…,"elapsed_ms":…,"tail":…}]}`
    public var json: JSONValue {
        var o = JSONObject()
        o.append("progress", .number(PipelineEvent.round(progress)))
        if let stage { o.append("stage", .string(stage)) }
        o.append("stages", .array(stages.map { s in
            var so = JSONObject()
            so.append("id", .string(s.id))
            so.append("state", .string(s.state.rawValue))
            so.append("progress", .number(PipelineEvent.round(s.progress)))
            so.append("attempt", .number(Double(s.attempt)))
            if s.done > 0 || s.total != nil || s.running > 0 {
                so.append("done", .number(Double(s.done)))
                so.append("running", .number(Double(s.running)))
                if let total = s.total { so.append("total", .number(Double(total))) }
            }
            if let error = s.error { so.append("error", .string(error)) }
            if let elapsed = s.elapsed { so.append("elapsed_ms", .number(Double(PipelineEvent.milliseconds(elapsed)))) }
            if !s.lastLine.isEmpty { so.append("tail", .string(s.lastLine)) }
            return .object(so)
        }))
        return .object(o)
    }

    /// A readable status line: "summarize: 2 of 5 items (40%)".
    public var summary: String {
        let percent = "\(Int((progress * 100).rounded()))%"
        guard let id = stage, let s = stages.first(where: { $0.id == id }) else { return percent }
        if s.state == .inputRequired, let q = s.message { return "\(id): \(q)" }
        if s.done > 0 || s.total != nil {
            return "\(id): \(s.done) of \(s.total.map(String.init) ?? "?") items (\(percent))"
        }
        return "\(id): \(s.state.rawValue) (\(percent))"
    }
}

extension Plan {
    /// The agent card of this pipeline: its name, description and version, one skill,
    /// streaming, and the progress extension (design.md §5). The server adds its interfaces.
    public var agentCard: AgentCard {
        AgentCard(
            name: name,
            description: description ?? "The \(name) pipeline, run by a2a-pipe.",
            version: version ?? "1.0.0",
            supportedInterfaces: [],
            capabilities: AgentCapabilities(streaming: true, pushNotifications: false, extensions: [ProgressMetadata.cardExtension]),
            defaultInputModes: ["text/plain"],
            defaultOutputModes: ["text/plain"],
            skills: [AgentSkill(
                id: name, name: name,
                description: description ?? "Runs the \(name) pipeline on the message text.",
                tags: ["pipeline", "a2a-pipe"],
                examples: [])]
        )
    }
}
