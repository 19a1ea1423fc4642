import A2A

/// Streams its input back word by word (the chunks concatenate to the input exactly).
/// An empty input asks for input, so the same task continues with the next message.
public struct EchoAgent: AgentExecutor {
    /// Pause before replying.
    public var delay: Duration

    public init(delay: Duration = .zero) {
        self.delay = delay
    }

    public func execute(_ context: RequestContext, updater: TaskUpdater) async throws {
        let input = context.userInput
        guard !input.isEmpty else {
            try await updater.requireInput("What should I echo?")
            return
        }
        try await updater.startWork()
        try await pause(delay)
        let chunks = input.wordChunks
        for (i, chunk) in chunks.enumerated() {
            try await updater.addArtifact(text: chunk, lastChunk: i == chunks.count - 1)
        }
        try await updater.complete()
    }
}
