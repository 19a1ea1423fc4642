import A2A

/// Long work that reports progress in steps: each step is a `working` status update with
/// numeric `progress` (0…1) in its metadata, mirrored on the status message, and readable
/// text ("step 2 of 5"). When done it replies with its input.
public struct ProgressAgent: AgentExecutor {
    /// Number of steps.
    public var steps: Int
    /// Pause between steps.
    public var delay: Duration

    public init(steps: Int = 5, delay: Duration = .milliseconds(500)) {
        self.steps = max(1, steps)
        self.delay = delay
    }

    public func execute(_ context: RequestContext, updater: TaskUpdater) async throws {
        try await updater.startWork("starting: \(steps) steps", progress: 0)
        for step in 1...steps {
            try await pause(delay)
            try await updater.progress(Double(step) / Double(steps), "step \(step) of \(steps)", metadata: ["step": .number(Double(step)), "steps": .number(Double(steps))])
        }
        let input = context.userInput
        try await updater.addArtifact(text: input.isEmpty ? "done" : input, lastChunk: true)
        try await updater.complete()
    }
}
