import A2A
import Synchronization

/// Streams one chunk, then throws.
struct FailingAgent: AgentExecutor {
    func execute(_ context: RequestContext, updater: TaskUpdater) async throws {
        try await updater.startWork()
        try await updater.addArtifact(text: "partial ", lastChunk: false)
        struct Boom: Error, CustomStringConvertible { var description: String { "boom: the agent failed" } }
        throw Boom()
    }
}

/// Streams `tick ` every 20 ms until cancelled; fires `cancelled` when its work is cancelled.
struct EndlessAgent: AgentExecutor {
    let cancelled: Signal
    let started: Signal

    func execute(_ context: RequestContext, updater: TaskUpdater) async throws {
        try await updater.startWork()
        started.fire()
        do {
            while true {
                try await updater.addArtifact(text: "tick ", lastChunk: false)
                try await Task.sleep(for: .milliseconds(20))
            }
        } catch {
            if Task.isCancelled || error is CancellationError { cancelled.fire() }
            throw error
        }
    }
}

/// Counts how often it runs and answers with the count.
final class CountingAgent: AgentExecutor {
    let runs = Mutex(0)

    func execute(_ context: RequestContext, updater: TaskUpdater) async throws {
        let n = runs.withLock { n in
            n += 1
            return n
        }
        try await updater.startWork()
        try await Task.sleep(for: .milliseconds(100))
        try await updater.addArtifact(text: "run \(n): \(context.userInput)")
        try await updater.complete()
    }
}

/// Answers with a single message, no task.
struct MessageAgent: AgentExecutor {
    func execute(_ context: RequestContext, updater: TaskUpdater) async throws {
        try await updater.reply("Direct message response")
    }
}
