import A2A
import A2AClient

/// A remote A2A agent, reached with an ``A2AClient`` (any dialect).
///
/// One attempt streams the message. When the stream drops before the task settles, it
/// re-attaches (``A2AClient/follow(taskId:attempts:pollInterval:initialError:)``:
/// `SubscribeToTask` on 1.0, polling `GetTask` on 0.3) and goes on without losing or repeating
/// text; only when that fails too does the attempt fail. When the attempt fails or is
/// cancelled while the remote task is still running, the task is cancelled at the agent.
struct RemoteStageAgent: StageAgent {
    let client: A2AClient
    let cancelTimeout: Duration
    let onInputRequired: (@Sendable (InputRequest) async throws -> String?)?
    /// Says why the agent may be unreachable (a launched process that died, with its stderr tail).
    let diagnose: @Sendable () async -> String?
    /// Called when an attempt fails (a cached client is then dropped).
    var onFailure: @Sendable () -> Void = {}

    var label: String { client.url }
    var enginePolicesIdle: Bool { false }

    func run(_ call: AgentCall, emit: @escaping @Sendable (AgentOutput) async throws -> Void) async throws {
        var interpreter = TaskEventInterpreter()
        var message = Message.user(call.input)
        do {
            while true {
                var dropped: (any Error)?
                do {
                    for try await event in client.stream(message) {
                        try await deliver(event, &interpreter, emit)
                    }
                } catch let error as A2AClientError {
                    guard case .connectionLost = error.kind, interpreter.taskId != nil else { throw error }
                    dropped = error
                }
                try Task.checkCancellation()
                if !interpreter.isSettled, let id = interpreter.taskId, !id.isEmpty,
                   (try? await client.endpoint().dialect) != .pythonA2A {
                    // The stream ended before the task did: re-attach (a2a-wire.md §4.2).
                    for try await event in client.follow(taskId: id, initialError: dropped) {
                        try await deliver(event, &interpreter, emit)
                    }
                    try Task.checkCancellation()
                }
                if !interpreter.isSettled, let dropped { throw dropped }
                guard interpreter.state == .inputRequired, !interpreter.gotMessage else { break }
                let question = interpreter.statusText ?? "(no question text)"
                try await emit(.inputRequired(question))
                guard let hook = onInputRequired,
                      let answer = try await hook(InputRequest(stage: call.stage, item: call.item, question: question))
                else { break }
                message = Message.user(answer, taskId: interpreter.taskId, contextId: interpreter.contextId)
                interpreter.state = nil
            }
            try interpreter.checkOutcome()
        } catch {
            if !(error is CancellationError) { onFailure() }
            if let id = interpreter.taskId, !id.isEmpty, !interpreter.isSettled {
                await RemoteCancellation.cancel(taskId: id, client: client, within: cancelTimeout)
            }
            if let error = error as? A2AClientError, case .unreachable = error.kind, let why = await diagnose() {
                throw AgentFailure(message: "\(error.reason); \(why)")
            }
            throw error
        }
    }

    private func deliver(_ event: StreamResponse, _ interpreter: inout TaskEventInterpreter, _ emit: @Sendable (AgentOutput) async throws -> Void) async throws {
        let known = interpreter.taskId
        let reading = interpreter.read(event)
        if let id = interpreter.taskId, !id.isEmpty, id != known {
            try await emit(.remoteTask(id: id, contextId: interpreter.contextId))
        }
        if !reading.text.isEmpty { try await emit(.text(reading.text)) }
        if let p = reading.progress { try await emit(.progress(p, message: reading.message)) }
    }
}

/// Cancels remote tasks at their agents when a stage stops.
enum RemoteCancellation {
    /// Sends `CancelTask` (`tasks/cancel`) for `taskId`, waiting at most `timeout`; errors are
    /// ignored (the task may have ended meanwhile).
    ///
    /// This usually runs because the stage's task was cancelled, and a cancelled task cannot
    /// make HTTP calls (they would stop at once). So the call runs in its own unstructured
    /// task, the one place the engine needs one, and is awaited here, bounded by `timeout`:
    /// nothing outlives the stage.
    static func cancel(taskId: String, client: A2AClient, within timeout: Duration) async {
        let call = Task {
            try? await withTimeLimit(timeout) {
                _ = try await client.cancelTask(id: taskId)
            }
        }
        await call.value
    }
}

/// Runs `body`, throwing ``AttemptTimeout/attempt(_:)`` when it takes longer than `limit`
/// (the body is cancelled and awaited first).
func withTimeLimit<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw AttemptTimeout.attempt(limit) }
        return value
    }
}
