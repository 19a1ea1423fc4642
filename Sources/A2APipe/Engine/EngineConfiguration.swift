import A2A
import BuiltinAgents

/// Where a run's events go: a terminal view, a JSON Lines writer, the A2A server's task updater.
///
/// The engine calls ``receive(_:)`` with every event of a run, in order and one at a time,
/// and waits for it to return before producing more: a slow sink slows the whole run
/// (backpressure). Throwing from `receive` stops the run.
public protocol PipelineEventSink: Sendable {
    /// Takes one event.
    func receive(_ event: PipelineEvent) async throws
}

/// A sink that hands each event to a closure; for tests and simple use.
public struct ClosurePipelineEventSink: PipelineEventSink {
    private let body: @Sendable (PipelineEvent) async throws -> Void

    /// Creates a sink that calls `body` for each event, in order.
    public init(_ body: @escaping @Sendable (PipelineEvent) async throws -> Void) {
        self.body = body
    }

    public func receive(_ event: PipelineEvent) async throws {
        try await body(event)
    }
}

/// A question a stage's agent asked (its task moved to `input-required`).
public struct InputRequest: Sendable {
    /// The stage whose agent asked.
    public var stage: String
    /// The `for_each` item, if the stage runs per item.
    public var item: Int?
    /// The question (the agent's status message text).
    public var question: String
}

/// How an ``Engine`` runs pipelines.
public struct EngineConfiguration: Sendable {
    /// Whether ``PipelineEvent/pipelineCompleted(output:elapsed:)`` and ``PipelineResult/output``
    /// carry the whole output (up to ``maxRetainedOutputBytes``; beyond it they are `nil`).
    /// The output always streams as ``PipelineEvent/pipelineOutput(text:)`` events. Default `true`.
    public var retainOutput: Bool
    /// The largest output kept for ``retainOutput`` (default 64 MiB).
    public var maxRetainedOutputBytes: Int
    /// The most bytes of output one stage may produce in a run (all its items, for `for_each`);
    /// past it the stage fails, not retried, with an error naming the stage and the cap.
    /// Default `Int.max`: no cap, since the engine streams with flat memory however much passes
    /// (`a2a-pipe run` streams gigabytes); `a2a-pipe serve` sets 32 MiB, as its tasks keep
    /// their output.
    public var maxStageOutputBytes: Int
    /// The most bytes of pipeline output one run may produce (what `run` prints, what a served
    /// task's artifact holds); past it the run fails. Default `Int.max` (no cap); `a2a-pipe
    /// serve` sets 32 MiB.
    public var maxRunOutputBytes: Int
    /// The built-in agents `builtin:` names (default ``BuiltinAgentRegistry/standard``).
    public var builtins: BuiltinAgentRegistry
    /// Starts and stops `launch:` agents. `nil`: each run launches the agents it needs and stops
    /// them when it ends; a shared launcher (for `serve`) keeps them across runs until its
    /// ``AgentLauncher/shutdown()``.
    public var launcher: AgentLauncher?
    /// The bound on each remote `CancelTask` call made when a run (or an attempt) stops
    /// (default 3 s).
    public var cancelTimeout: Duration
    /// The idle bound for remote agents whose stage sets no `idle_timeout` (default 60 s; any
    /// byte, keep-alive comments included, resets it).
    public var defaultIdleTimeout: Duration
    /// Answers a remote or built-in agent that asks for input (`input-required`): return the
    /// reply to send on the same task, or `nil` to fail the stage. When unset, such a stage
    /// fails with an error that quotes the question. An ``Engine`` calls it for one question at
    /// a time (a stage asking while another's question is open waits its turn).
    public var onInputRequired: (@Sendable (InputRequest) async throws -> String?)?
    /// Remote agents' clients kept across runs (a served pipeline sets one); `nil`: every run
    /// makes its own, and fetches each agent's card again.
    public var remoteClients: RemoteClientCache?

    /// Creates a configuration; every value has a default.
    public init(
        retainOutput: Bool = true,
        maxRetainedOutputBytes: Int = 64 * 1024 * 1024,
        maxStageOutputBytes: Int = .max,
        maxRunOutputBytes: Int = .max,
        builtins: BuiltinAgentRegistry = .standard,
        launcher: AgentLauncher? = nil,
        cancelTimeout: Duration = .seconds(3),
        defaultIdleTimeout: Duration = .seconds(60),
        onInputRequired: (@Sendable (InputRequest) async throws -> String?)? = nil,
        remoteClients: RemoteClientCache? = nil
    ) {
        self.retainOutput = retainOutput
        self.maxRetainedOutputBytes = maxRetainedOutputBytes
        self.maxStageOutputBytes = maxStageOutputBytes
        self.maxRunOutputBytes = maxRunOutputBytes
        self.builtins = builtins
        self.launcher = launcher
        self.cancelTimeout = cancelTimeout
        self.defaultIdleTimeout = defaultIdleTimeout
        self.onInputRequired = onInputRequired
        self.remoteClients = remoteClients
    }
}

/// What a successful run returns.
public struct PipelineResult: Sendable {
    /// The whole output, when the run kept it (``EngineConfiguration/retainOutput``, within
    /// ``EngineConfiguration/maxRetainedOutputBytes``).
    public var output: String?
    /// How long the run took.
    public var elapsed: Duration

    public init(output: String?, elapsed: Duration) {
        self.output = output
        self.elapsed = elapsed
    }
}
