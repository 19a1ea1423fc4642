/// Why a run failed: which stage, which attempt, which agent, and what happened.
///
/// ```
/// stage 'critique' (attempt 3 of 3, http://127.0.0.1:9102): the agent answered HTTP 500: {"detail":"boom"}
/// ```
public struct PipelineRunError: Error, Sendable, CustomStringConvertible {
    /// The stage that failed, if the failure belongs to one.
    public var stage: String?
    /// The attempt that failed last (1-based).
    public var attempt: Int?
    /// The agent's URL (`builtin NAME` or `pipeline FILE` for in-process agents).
    public var agentURL: String?
    /// What happened.
    public var message: String
    /// How many attempts the stage was allowed.
    public var attempts: Int?
    /// The `for_each` item that failed, if any.
    public var item: Int?

    public init(stage: String?, attempt: Int? = nil, agentURL: String? = nil, message: String, attempts: Int? = nil, item: Int? = nil) {
        self.stage = stage
        self.attempt = attempt
        self.agentURL = agentURL
        self.message = message
        self.attempts = attempts
        self.item = item
    }

    /// One line: `stage 'x' item 2 (attempt 1 of 3, URL): message`.
    public var description: String {
        guard let stage else { return message }
        var head = "stage '\(stage)'"
        if let item { head += " item \(item)" }
        var details: [String] = []
        if let attempt { details.append(attempts.map { "attempt \(attempt) of \($0)" } ?? "attempt \(attempt)") }
        if let agentURL { details.append(agentURL) }
        if !details.isEmpty { head += " (\(details.joined(separator: ", ")))" }
        return "\(head): \(message)"
    }
}

/// An agent reported that it could not do the work (a `failed` or `rejected` task, a question
/// nobody answered, a setting it does not take).
struct AgentFailure: Error, Sendable, CustomStringConvertible {
    var message: String
    /// Whether another attempt may succeed.
    var retryable: Bool = true
    var description: String { message }
}

/// An attempt ran out of time.
enum AttemptTimeout: Error, Sendable, CustomStringConvertible {
    /// Longer than the stage's `timeout`.
    case attempt(Duration)
    /// No event for the stage's `idle_timeout`.
    case idle(Duration)

    var description: String {
        switch self {
        case .attempt(let d): "the attempt took longer than its timeout of \(DurationText.format(d))"
        case .idle(let d): "no output from the agent for \(DurationText.format(d)) (idle_timeout)"
        }
    }
}

enum DurationText {
    static func format(_ d: Duration) -> String {
        let ms = milliseconds(d)
        if ms % 1000 == 0 { return "\(ms / 1000) s" }
        return "\(ms) ms"
    }

    static func milliseconds(_ d: Duration) -> Int64 {
        let (s, atto) = d.components
        return s * 1000 + atto / 1_000_000_000_000_000
    }
}
