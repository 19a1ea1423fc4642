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

/// Streams its input word by word, but after the first word waits (bounded) for `gate`, so a
/// test can attach subscribers while the task is certainly still running: no timing involved.
struct GatedAgent: AgentExecutor {
    let gate: Signal

    func execute(_ context: RequestContext, updater: TaskUpdater) async throws {
        try await updater.startWork()
        let words = context.userInput.split(separator: " ").map(String.init)
        for (i, word) in words.enumerated() {
            try await updater.addArtifact(text: i == words.count - 1 ? word : word + " ", lastChunk: i == words.count - 1)
            if i == 0 { _ = await gate.wait(timeout: .seconds(30)) }
        }
        try await updater.complete()
    }
}

/// Counts events and fires a signal when the count reaches a target.
final class Countdown: Sendable {
    private let remaining: Mutex<Int>
    let done = Signal()

    init(_ count: Int) { remaining = Mutex(count) }

    func tick() {
        let left = remaining.withLock { n in
            n -= 1
            return n
        }
        if left == 0 { done.fire() }
    }
}
