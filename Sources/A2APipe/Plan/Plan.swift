/// A validated pipeline, resolved and ready to run: the DAG of stages and
/// the edges between them, in a stable topological order.
///
/// A `Plan` exists only for a file without errors, so every reference in it
/// resolves: every stage's agent is in ``agents``, every template names
/// stages, params and variables that exist.
public struct Plan: Sendable {
    /// `name:`.
    public var name: String
    /// `description:`.
    public var description: String?
    /// `version:`.
    public var version: String?
    /// The file the plan was read from, as shown in diagnostics.
    public var file: String
    /// Effective param values: defaults from `params:`, overridden by `--set`.
    public var params: [String: String]
    /// The agents by id.
    public var agents: [String: PlannedAgent]
    /// The stages in topological order (ties broken by display order).
    public var stages: [PlannedStage]
    /// Every dependency between stages.
    public var edges: [PlanEdge]
    /// What the pipeline returns; `{{ stages.ID.output }}` for an `output:` that names a stage.
    public var output: Template
    /// The stage whose output is the pipeline's output, when `output:` names one (or is omitted).
    public var outputStage: String?
    /// The values of the environment variables the agents use (`${VAR}`).
    /// These may be secrets: never print them.
    public var environment: [String: String]

    /// The stage with an id.
    public func stage(_ id: String) -> PlannedStage? {
        stages.first { $0.id == id }
    }

    /// The stages in display (file) order.
    public var stagesInDisplayOrder: [PlannedStage] {
        stages.sorted { $0.displayIndex < $1.displayIndex }
    }

    /// How the pipeline uses its input: a stage's `input:` or the `output:` names
    /// `{{ input }}` (``InputUse/explicit``), only a first stage's default input is the input
    /// (``InputUse/implicit``), or nothing reads it (``InputUse/none``).
    public var inputUse: InputUse {
        let explicit = output.segments.contains(.input)
            || stages.contains { !$0.inputIsDefault && $0.input.segments.contains(.input) }
        if explicit { return .explicit }
        return stages.contains { $0.input.segments.contains(.input) } ? .implicit : .none
    }

    /// See ``inputUse``.
    public enum InputUse: Sendable, Equatable {
        case explicit, implicit, none
    }

    /// The values to render a template of this pipeline's agents and output with.
    public func templateValues(
        input: String,
        stageOutputs: [String: String] = [:],
        item: String? = nil,
        index: Int? = nil
    ) -> TemplateValues {
        TemplateValues(input: input, item: item, index: index, params: params, stageOutputs: stageOutputs, environment: environment)
    }
}

/// One stage of a ``Plan``, with every default applied.
public struct PlannedStage: Sendable {
    /// The stage's id.
    public var id: String
    /// The id of its agent (a key of ``Plan/agents``).
    public var agent: String
    /// The input template. When the file gives none: `{{ item }}` for a
    /// `for_each` stage; the outputs of `needs` joined in order with a blank
    /// line for a stage with `needs`; else `{{ input }}`.
    public var input: Template
    /// Whether ``input`` is the default (the file gives no `input:`).
    public var inputIsDefault: Bool
    /// The stages this one depends on: `needs` in order, then `for_each.from`,
    /// then stages referenced by the input template.
    public var upstream: [String]
    /// `for_each:`, if the stage runs once per item.
    public var forEach: PlannedForEach?
    /// Items in flight at once (default 1).
    public var concurrency: Int
    /// Retry policy (default: one attempt).
    public var retry: RetryPolicy
    /// Longest time for one attempt, if limited.
    public var timeout: Duration?
    /// Longest silence inside a stream, if limited.
    public var idleTimeout: Duration?
    /// Share of the pipeline's progress (default 1).
    public var progressWeight: Double
    /// `description:`.
    public var description: String?
    /// Position in the file's `stages:` list (0-based).
    public var displayIndex: Int
    /// Where the stage is defined.
    public var location: SourceLocation
}

/// `for_each:` of a planned stage.
public struct PlannedForEach: Sendable, Hashable {
    /// The upstream stage whose output is split into items.
    public var from: String
    /// How the output is split.
    public var split: SplitMode
    /// The order in which item outputs are joined.
    public var order: ItemOrder

    /// Creates a `for_each`.
    public init(from: String, split: SplitMode = .lines, order: ItemOrder = .input) {
        self.from = from
        self.split = split
        self.order = order
    }
}

/// How often and how patiently a stage is retried.
public struct RetryPolicy: Sendable, Hashable {
    /// Total tries, the first included (at least 1).
    public var attempts: Int
    /// The first wait; doubled after each failure.
    public var backoff: Duration
    /// The longest wait, if capped.
    public var maxBackoff: Duration?

    /// One attempt, no retry.
    public static let none = RetryPolicy(attempts: 1, backoff: .milliseconds(500), maxBackoff: nil)

    /// Creates a policy.
    public init(attempts: Int, backoff: Duration = .milliseconds(500), maxBackoff: Duration? = nil) {
        self.attempts = attempts
        self.backoff = backoff
        self.maxBackoff = maxBackoff
    }

    /// The wait before try number `attempt + 1` (so `attempt` ≥ 1).
    public func delay(afterAttempt attempt: Int) -> Duration {
        var delay = backoff
        for _ in 1..<max(1, min(attempt, 62)) {
            delay *= 2
            if let maxBackoff, delay >= maxBackoff { return maxBackoff }
        }
        if let maxBackoff, delay > maxBackoff { return maxBackoff }
        return delay
    }
}

/// A dependency: `to` reads the output of `from`.
public struct PlanEdge: Sendable, Hashable {
    /// How the output flows.
    public enum Kind: String, Sendable, Hashable {
        /// `to` reads the whole output once `from` has finished.
        case whole
        /// `to` runs once per item of `from`'s output, as items stream.
        case forEach = "for_each"
    }

    /// The upstream stage.
    public var from: String
    /// The downstream stage.
    public var to: String
    /// Whole output or per item.
    public var kind: Kind

    /// Creates an edge.
    public init(from: String, to: String, kind: Kind) {
        self.from = from
        self.to = to
        self.kind = kind
    }
}

/// An agent of a ``Plan``.
public struct PlannedAgent: Sendable {
    /// Where the agent comes from.
    public indirect enum Kind: Sendable {
        /// A remote A2A agent (the URL may contain `${VAR}` and params: render it).
        case url(Template)
        /// A built-in agent with its `with:` settings.
        case builtin(name: String, with: [String: ConfigValue])
        /// A nested pipeline with its plan; `with:` gives values for its params.
        case pipeline(path: String, plan: Plan, with: [String: ConfigValue])
    }

    /// The agent's id.
    public var id: String
    /// Where it comes from.
    public var kind: Kind
    /// `protocol:` (default `auto`).
    public var `protocol`: AgentProtocol
    /// HTTP headers, in file order.
    public var headers: [PlannedHeader]
    /// The argv that starts the agent, if it is launched by the run.
    public var launch: [String]?
    /// How long to wait for a launched agent (default 30s when launched).
    public var launchTimeout: Duration?
}

/// An HTTP header of a `url` agent.
public struct PlannedHeader: Sendable, Hashable {
    /// The header's name.
    public var name: String
    /// The header's value (render it: it may contain `${VAR}`).
    public var value: Template
}
