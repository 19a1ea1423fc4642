/// Where an agent's events go: the server's per-task run, or an in-process consumer.
public protocol AgentEventSink: Sendable {
    /// Delivers one event. Suspends while consumers are behind (backpressure); throws when the
    /// event can no longer be delivered (for example, the task was cancelled).
    func send(_ event: StreamResponse) async throws

    /// Delivers an `input-required` status and waits for the client's next message on the same
    /// task (``TaskUpdater/askForInput(_:metadata:)``).
    ///
    /// A server pauses the task: its streams end with this status and blocking requests are
    /// answered, but the agent keeps running; the client's next message on the task resumes
    /// this call. Throws ``AgentInputError/unavailable`` where no client can answer (the
    /// default), ``AgentInputError/timedOut(_:)`` when no answer arrives in time, and
    /// `CancellationError` when the task is cancelled meanwhile.
    func awaitInput(_ status: TaskStatusUpdateEvent) async throws -> Message
}

extension AgentEventSink {
    /// Sinks that cannot pause a task say so without sending anything; the agent can then end
    /// the task with ``TaskUpdater/requireInput(_:)`` instead.
    public func awaitInput(_ status: TaskStatusUpdateEvent) async throws -> Message {
        throw AgentInputError.unavailable
    }
}

/// Why ``TaskUpdater/askForInput(_:metadata:)`` got no answer.
public enum AgentInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The agent runs where nobody can answer (an in-process sink); end the task with
    /// ``TaskUpdater/requireInput(_:)`` so the client can continue it with a new message.
    case unavailable
    /// The task has already ended.
    case taskEnded
    /// No answer arrived within the server's bound.
    case timedOut(Duration)
    /// The task is already waiting for the answer to another question.
    case alreadyWaiting

    public var description: String {
        switch self {
        case .unavailable: "this agent cannot wait for input here: nobody can answer an input-required question in this run"
        case .taskEnded: "the task has already ended, so it cannot ask for input"
        case .alreadyWaiting: "the task is already waiting for the answer to another question; ask one question at a time"
        case .timedOut(let d): "no answer to the input-required question arrived within \(d.formattedSeconds); send the answer sooner, or raise the server's input timeout"
        }
    }
}

extension Duration {
    /// `"90 s"`, `"0.5 s"`.
    var formattedSeconds: String {
        let (s, a) = components
        let value = Double(s) + Double(a) / 1e18
        return value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}

/// A sink that hands each event to a closure; for tests and simple in-process use.
public struct ClosureEventSink: AgentEventSink {
    private let body: @Sendable (StreamResponse) async throws -> Void

    /// Creates a sink that calls `body` for each event, in order.
    public init(_ body: @escaping @Sendable (StreamResponse) async throws -> Void) {
        self.body = body
    }

    public func send(_ event: StreamResponse) async throws {
        try await body(event)
    }
}
