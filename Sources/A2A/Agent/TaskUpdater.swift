import Foundation
import Synchronization

/// Makes an agent's common events one line each: announce the task, report work and
/// progress, stream artifact chunks, and end the task.
///
/// ```swift
/// try await updater.startWork("thinking")
/// for word in words { try await updater.addArtifact(text: word) }
/// try await updater.complete()
/// ```
///
/// **Task first.** The first event of a task run is the task snapshot (state `submitted`,
/// the client's message in its history). The updater sends it before any other event unless
/// ``submit()`` already did, or the agent answers with a single message (``reply(_:)-(Message)``).
///
/// **Chunks.** ``addArtifact(text:artifactId:name:append:lastChunk:metadata:)`` sends each
/// chunk the moment it is called: no chunk waits for the next one. `append` is set from the
/// second chunk of an artifact on. An agent that knows which chunk is its last passes
/// `lastChunk: true` with it; an artifact still open when the task ends (or at
/// ``finishArtifact(_:)``) is closed with an empty `lastChunk` chunk, which A2A clients join
/// as nothing.
///
/// Use one updater from one task at a time: events are sent in call order.
public struct TaskUpdater: Sendable {
    /// The task.
    public let taskId: String
    /// The task's conversation.
    public let contextId: String
    /// Where events go.
    public let sink: any AgentEventSink
    private let state: UpdaterState

    /// The artifact id used when none is given.
    public static let defaultArtifactId = "output"

    /// Creates an updater for the run described by `context`.
    public init(sink: any AgentEventSink, context: RequestContext) {
        self.taskId = context.taskId
        self.contextId = context.contextId
        self.sink = sink
        self.state = UpdaterState(initialTask: context.initialTask)
    }

    /// Whether a terminal or interrupted state (or a single-message reply) has been sent.
    public var hasEnded: Bool { state.ended }

    // MARK: Task and status

    /// Sends the task snapshot (state `submitted`) if it has not been sent yet.
    public func submit() async throws {
        try await send(state.announce())
    }

    /// Moves the task to `working`, with an optional status text and progress (0…1).
    public func startWork(_ text: String? = nil, progress: Double? = nil) async throws {
        if let progress {
            try await self.progress(progress, text)
        } else {
            try await update(.working, message: text.map { agentMessage($0) })
        }
    }

    /// Reports progress: numeric `progress` (0…1, clamped) in the status-update metadata and
    /// mirrored in the status message's metadata, with a readable text (default "40%").
    public func progress(_ fraction: Double, _ text: String? = nil, metadata: JSONObject? = nil) async throws {
        let p = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        var md = metadata ?? JSONObject()
        md[ProgressMetadata.key] = .number(p)
        let readable = text ?? "\(Int((p * 100).rounded()))%"
        try await update(.working, message: agentMessage(readable, metadata: md), metadata: md)
    }

    /// Sends a status update. A terminal or interrupted state first closes every open artifact.
    public func update(_ state: TaskState, message: Message? = nil, metadata: JSONObject? = nil) async throws {
        let status = TaskStatusUpdateEvent(
            taskId: taskId, contextId: contextId,
            status: TaskStatus(state: state, message: message, timestamp: .now),
            isFinal: state.endsStream, metadata: metadata)
        try await send(self.state.status(status, template: self))
    }

    /// Completes the task, with an optional status text.
    public func complete(_ text: String? = nil) async throws {
        try await update(.completed, message: text.map { agentMessage($0) })
    }

    /// Fails the task with a message saying what went wrong.
    public func fail(_ message: String) async throws {
        try await update(.failed, message: agentMessage(message))
    }

    /// Rejects the task (the agent will not do it).
    public func reject(_ message: String) async throws {
        try await update(.rejected, message: agentMessage(message))
    }

    /// Marks the task canceled.
    public func cancel(_ message: String? = nil) async throws {
        try await update(.canceled, message: message.map { agentMessage($0) })
    }

    /// Asks the client for more input and ends this run: the stream ends and the client
    /// continues the same task with a new message, which starts a new run (its
    /// ``RequestContext/currentTask`` is this task). Every open artifact is closed first.
    public func requireInput(_ question: String) async throws {
        try await update(.inputRequired, message: agentMessage(question))
    }

    /// Asks the client for input and waits for the answer, keeping this run going: the task
    /// goes `input-required` with `question` (streams end, blocking requests are answered), and
    /// the client's next message on the task is returned here. Artifacts stay open, so their
    /// chunks continue after the answer (with `append`).
    ///
    /// - Throws: ``AgentInputError/unavailable`` when the sink cannot wait for an answer (an
    ///   in-process run; nothing was sent, so the agent may fall back to ``requireInput(_:)``),
    ///   ``AgentInputError/timedOut(_:)`` when no answer came in time, ``AgentInputError/taskEnded``
    ///   after a terminal state, `CancellationError` when the task was cancelled.
    public func askForInput(_ question: String, metadata: JSONObject? = nil) async throws -> Message {
        let event = TaskStatusUpdateEvent(
            taskId: taskId, contextId: contextId,
            status: TaskStatus(state: .inputRequired, message: agentMessage(question, metadata: metadata), timestamp: .now),
            isFinal: true, metadata: metadata)
        guard let before = state.pause(template: self) else { throw AgentInputError.taskEnded }
        try await send(before)
        return try await sink.awaitInput(event)
    }

    // MARK: Messages

    /// Answers with a single message instead of a task (only before any task event), or adds
    /// an agent message to the task's history.
    public func reply(_ message: Message) async throws {
        var message = message
        message.contextId = message.contextId ?? contextId
        if message.messageId.isEmpty { message.messageId = IDs.make() }
        try await send(state.reply(message, taskId: taskId))
    }

    /// Answers with a single text message.
    public func reply(_ text: String) async throws {
        try await reply(Message(messageId: IDs.make(), role: .agent, parts: [.text(text)], contextId: contextId))
    }

    /// An agent message about this task.
    public func agentMessage(_ text: String, metadata: JSONObject? = nil) -> Message {
        Message(messageId: IDs.make(), role: .agent, parts: [.text(text)], contextId: contextId, taskId: taskId, metadata: metadata)
    }

    // MARK: Artifacts

    /// Streams a text chunk of an artifact.
    ///
    /// - Parameters:
    ///   - append: `nil` (the default) appends from the artifact's second chunk on; `false`
    ///     replaces the artifact, `true` appends.
    ///   - lastChunk: `true` closes the artifact with this chunk; `false` (the default) keeps
    ///     it open. Either way the chunk is sent at once.
    ///   - metadata: per-chunk metadata, sent as the event's metadata.
    public func addArtifact(
        text: String, artifactId: String = TaskUpdater.defaultArtifactId, name: String? = nil,
        append: Bool? = nil, lastChunk: Bool = false, metadata: JSONObject? = nil
    ) async throws {
        try await addArtifact(parts: [.text(text)], artifactId: artifactId, name: name, append: append, lastChunk: lastChunk, metadata: metadata)
    }

    /// Streams a chunk of an artifact made of any parts; see
    /// ``addArtifact(text:artifactId:name:append:lastChunk:metadata:)``.
    public func addArtifact(
        parts: [Part], artifactId: String = TaskUpdater.defaultArtifactId, name: String? = nil,
        append: Bool? = nil, lastChunk: Bool = false, metadata: JSONObject? = nil
    ) async throws {
        let events = state.chunk(
            parts: parts.isEmpty ? [.text("")] : parts, artifactId: artifactId, name: name,
            append: append, lastChunk: lastChunk, metadata: metadata, template: self)
        try await send(events)
    }

    /// Closes an open artifact with an empty `lastChunk` chunk (nothing if it is not open).
    public func finishArtifact(_ artifactId: String = TaskUpdater.defaultArtifactId) async throws {
        try await send(state.close(artifactId: artifactId, template: self))
    }

    // MARK: Ending

    /// Ends the task if the agent left it running: canceled when the current task is
    /// cancelled or `error` is a `CancellationError`, failed when `error` is set, completed
    /// otherwise. Does nothing once a terminal or interrupted state was sent. Delivery errors
    /// are ignored. Runners call this after ``AgentExecutor/execute(_:updater:)`` returns.
    public func finish(error: (any Error)? = nil) async {
        guard !state.ended else { return }
        if error is CancellationError || Task.isCancelled {
            try? await cancel()
        } else if let error {
            try? await fail(Self.describe(error))
        } else {
            try? await complete()
        }
    }

    static func describe(_ error: any Error) -> String {
        String(describing: error)
    }

    private func send(_ events: [StreamResponse]) async throws {
        for event in events { try await sink.send(event) }
    }
}

/// The updater's bookkeeping: whether the task was announced or ended, and which artifacts
/// are open (in the order they were opened, so they close in that order).
final class UpdaterState: Sendable {
    struct State {
        var initialTask: A2ATask
        var announced = false
        var ended = false
        /// Open artifacts, oldest first; an artifact leaves the list when it is closed.
        var open: [String] = []
    }

    private let state: Mutex<State>

    init(initialTask: A2ATask) {
        state = Mutex(State(initialTask: initialTask))
    }

    var ended: Bool { state.withLock { $0.ended } }

    func announce() -> [StreamResponse] {
        state.withLock { Self.announce(&$0) }
    }

    private static func announce(_ s: inout State) -> [StreamResponse] {
        guard !s.announced, !s.ended else { return [] }
        s.announced = true
        return [.task(s.initialTask)]
    }

    func reply(_ message: Message, taskId: String) -> [StreamResponse] {
        state.withLock { s in
            guard !s.ended else { return [] }
            if !s.announced {
                s.ended = true
                return [.message(message)]
            }
            var m = message
            m.taskId = taskId
            return [.message(m)]
        }
    }

    func status(_ event: TaskStatusUpdateEvent, template: TaskUpdater) -> [StreamResponse] {
        state.withLock { s in
            guard !s.ended else { return [] }
            var out = Self.announce(&s)
            if event.status.state.endsStream {
                out += s.open.map { .artifactUpdate(Self.closing($0, template: template)) }
                s.open = []
                s.ended = true
            }
            out.append(.statusUpdate(event))
            return out
        }
    }

    /// The events that must precede a pause for input: the task if not yet announced
    /// (artifacts stay open). `nil` once the task has ended.
    func pause(template: TaskUpdater) -> [StreamResponse]? {
        state.withLock { s in
            guard !s.ended else { return nil }
            return Self.announce(&s)
        }
    }

    func chunk(
        parts: [Part], artifactId: String, name: String?, append: Bool?, lastChunk: Bool,
        metadata: JSONObject?, template: TaskUpdater
    ) -> [StreamResponse] {
        state.withLock { s in
            guard !s.ended else { return [] }
            var out = Self.announce(&s)
            let open = s.open.contains(artifactId)
            let event = TaskArtifactUpdateEvent(
                taskId: template.taskId, contextId: template.contextId,
                artifact: Artifact(artifactId: artifactId, name: open ? nil : name, parts: parts),
                append: append ?? open, lastChunk: lastChunk, metadata: metadata)
            if lastChunk {
                s.open.removeAll { $0 == artifactId }
            } else if !open {
                s.open.append(artifactId)
            }
            out.append(.artifactUpdate(event))
            return out
        }
    }

    func close(artifactId: String, template: TaskUpdater) -> [StreamResponse] {
        state.withLock { s in
            guard !s.ended, s.open.contains(artifactId) else { return [] }
            s.open.removeAll { $0 == artifactId }
            return Self.announce(&s) + [.artifactUpdate(Self.closing(artifactId, template: template))]
        }
    }

    /// The empty chunk that closes an open artifact.
    private static func closing(_ id: String, template: TaskUpdater) -> TaskArtifactUpdateEvent {
        TaskArtifactUpdateEvent(
            taskId: template.taskId, contextId: template.contextId,
            artifact: Artifact(artifactId: id, parts: [.text("")]), append: true, lastChunk: true)
    }
}
