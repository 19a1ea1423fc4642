import A2A
import Foundation

/// Structured streaming: a header chunk, numbered data items and a footer chunk, each
/// carrying metadata (`type`: `header`, `data` or `footer`) in the artifact-update event's
/// metadata — python-a2a clients get it as the chunk's `meta`. Data items also carry numeric
/// `progress`.
public struct StructuredAgent: AgentExecutor {
    /// Number of data items.
    public var items: Int
    /// Pause between items.
    public var delay: Duration

    public init(items: Int = 5, delay: Duration = .milliseconds(200)) {
        self.items = max(0, items)
        self.delay = delay
    }

    public func execute(_ context: RequestContext, updater: TaskUpdater) async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let input = context.userInput
        try await updater.startWork()
        try await updater.addArtifact(text: "", metadata: ["type": "header", "total_items": .number(Double(items))])
        for i in 0..<items {
            try await pause(delay)
            let n = i + 1
            try await updater.addArtifact(
                text: "Item \(n): \(input)\n",
                metadata: [
                    "type": "data", "item_number": .number(Double(n)), "total_items": .number(Double(items)),
                    ProgressMetadata.key: .number(Double(n) / Double(items)),
                    "timestamp": .string(Timestamp.format(.now)),
                ])
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        try await updater.addArtifact(
            text: "", lastChunk: true,
            metadata: ["type": "footer", "status": "complete", "items": .number(Double(items)), "processing_time": .number((seconds * 1000).rounded() / 1000)])
        try await updater.complete()
    }
}
