import A2A

/// Token-by-token delivery, like an LLM: streams its input back one word at a time with a
/// pause between words. With a zero delay it streams as fast as the consumer reads.
/// An empty input asks for input.
public struct WordsAgent: AgentExecutor {
    /// Pause between words.
    public var delay: Duration

    public init(delay: Duration = .milliseconds(100)) {
        self.delay = delay
    }

    public func execute(_ context: RequestContext, updater: TaskUpdater) async throws {
        let input = context.userInput
        guard !input.isEmpty else {
            try await updater.requireInput("Which words should I stream?")
            return
        }
        try await updater.startWork()
        let chunks = input.wordChunks
        for (i, chunk) in chunks.enumerated() {
            if i > 0 { try await pause(delay) }
            try await updater.addArtifact(text: chunk, lastChunk: i == chunks.count - 1)
        }
        try await updater.complete()
    }
}
