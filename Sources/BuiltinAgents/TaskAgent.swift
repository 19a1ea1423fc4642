import A2A

/// Task-based streaming: a long-running task. A client starts it without waiting
/// (`returnImmediately` / `blocking:false`), follows it with `SubscribeToTask` /
/// `tasks/resubscribe`, and reads the result with `GetTask` / `tasks/get`. Each step is a
/// status update with numeric progress and text ("Reached 30% completion"); the output is
/// `Processed input: …`.
public struct TaskAgent: AgentExecutor {
    /// Number of status updates.
    public var steps: Int
    /// Pause between updates.
    public var delay: Duration

    public init(steps: Int = 10, delay: Duration = .milliseconds(500)) {
        self.steps = max(1, steps)
        self.delay = delay
    }

    public func execute(_ context: RequestContext, updater: TaskUpdater) async throws {
        try await updater.submit()
        try await updater.startWork("Starting task processing", progress: 0)
        for step in 1...steps {
            try await pause(delay)
            let fraction = Double(step) / Double(steps)
            try await updater.progress(fraction, "Reached \(Int((fraction * 100).rounded()))% completion")
        }
        try await updater.addArtifact(text: "Processed input: \(context.userInput)", lastChunk: true)
        try await updater.complete("Task processing complete")
    }
}
