import A2AClient
import Synchronization

/// Runs a stage's agent (or one `for_each` item) with the stage's retry policy: up to
/// `retry.attempts` tries with exponential backoff, each bounded by `timeout` and, between
/// outputs, by `idle_timeout`.
///
/// A retry does not repeat text: output already passed on by an earlier attempt is skipped
/// (by its UTF-8 length) when the next attempt produces it again, so downstream stages and
/// the pipeline output see each byte once.
struct StageAttempts: Sendable {
    let stage: PlannedStage
    let agent: any StageAgent
    let events: EventEmitter

    /// Where the text of the attempts goes, and how far earlier attempts got.
    final class Cursor: Sendable {
        struct State {
            var forwarded = 0  // bytes passed on, over all attempts
            var seen = 0       // bytes produced by the current attempt
        }
        let state = Mutex(State())

        /// The part of `text` not passed on yet, recording it as passed on.
        func fresh(_ text: String) -> String? {
            state.withLock { s in
                let n = text.utf8.count
                defer { s.seen += n; s.forwarded = max(s.forwarded, s.seen) }
                if s.seen >= s.forwarded { return text }
                if s.seen + n <= s.forwarded { return nil }
                let skip = s.forwarded - s.seen
                return String(decoding: text.utf8.dropFirst(skip), as: UTF8.self)
            }
        }

        func newAttempt() { state.withLock { $0.seen = 0 } }
    }

    /// Runs the attempts; `onText` gets each new piece of text. Throws ``PipelineRunError`` when
    /// the last attempt fails, `CancellationError` when cancelled.
    func run(input: String, item: Int?, onText: @escaping @Sendable (String) async throws -> Void) async throws {
        let cursor = Cursor()
        let retry = stage.retry
        let stageId = stage.id
        let events = self.events
        let agentLabel = agent.label
        for attempt in 1...max(1, retry.attempts) {
            if item == nil { await events.send(.stageStarted(stage: stageId, attempt: attempt)) }
            cursor.newAttempt()
            let call = AgentCall(stage: stageId, item: item, attempt: attempt, input: input)
            do {
                try await runAttempt(call) { output in
                    switch output {
                    case .text(let text):
                        if let fresh = cursor.fresh(text), !fresh.isEmpty { try await onText(fresh) }
                    case .progress(let p, let message):
                        if item == nil { await events.send(.stageProgress(stage: stageId, progress: p, message: message)) }
                    case .inputRequired(let question):
                        await events.send(.stageInputRequired(stage: stageId, question: question))
                    case .remoteTask(let id, let contextId):
                        await events.send(.stageTask(stage: stageId, item: item, agent: agentLabel, taskId: id, contextId: contextId))
                    }
                }
                return
            } catch {
                if error is CancellationError || Task.isCancelled { throw CancellationError() }
                let message = Self.describe(error)
                let willRetry = attempt < retry.attempts && Self.isRetryable(error)
                await events.send(.stageFailed(stage: stageId, attempt: attempt, item: item, error: message, willRetry: willRetry))
                if !willRetry {
                    throw PipelineRunError(stage: stageId, attempt: attempt, agentURL: agent.label, message: message, attempts: retry.attempts, item: item)
                }
                try await Task.sleep(for: retry.delay(afterAttempt: attempt))
            }
        }
    }

    /// One attempt, raced against the stage's `timeout` and (for in-process agents) its
    /// `idle_timeout`. The loser is cancelled and awaited, so a remote task is cancelled at its
    /// agent before this returns.
    private func runAttempt(_ call: AgentCall, emit: @escaping @Sendable (AgentOutput) async throws -> Void) async throws {
        let timeout = stage.timeout
        let idle = agent.enginePolicesIdle ? stage.idleTimeout : nil
        guard timeout != nil || idle != nil else {
            try await agent.run(call, emit: emit)
            return
        }
        let watch = IdleWatch()
        let agent = self.agent
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await agent.run(call) { output in
                    watch.touch()
                    try await emit(output)
                }
            }
            group.addTask {
                try await watch.watch(timeout: timeout, idle: idle)
            }
            try await group.next()
            group.cancelAll()
        }
    }

    static func isRetryable(_ error: any Error) -> Bool {
        if let failure = error as? AgentFailure { return failure.retryable }
        if error is OutputCapExceeded { return false }
        if let error = error as? A2AClientError {
            switch error.kind {
            case .unsupported, .noAgentCard: return false
            default: return true
            }
        }
        return true
    }

    /// What a person reads about a failed attempt (the stage, attempt and URL are added around it).
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as A2AClientError: error.reason
        case let error as AgentFailure: error.message
        case let error as AttemptTimeout: error.description
        case let error as PipelineRunError: error.description
        case let error as OutputCapExceeded: error.description
        default: String(describing: error)
        }
    }
}

/// The time of an attempt's latest output, and the watchdog that enforces `timeout` and
/// `idle_timeout` with one sleeping task per attempt (no timer per event).
final class IdleWatch: Sendable {
    private let last = Mutex(ContinuousClock.now)

    func touch() {
        let now = ContinuousClock.now
        last.withLock { $0 = now }
    }

    /// Returns never; throws ``AttemptTimeout`` when a bound passes, `CancellationError` when
    /// cancelled (the attempt ended first).
    func watch(timeout: Duration?, idle: Duration?) async throws {
        let start = ContinuousClock.now
        let deadline = timeout.map { start + $0 }
        while true {
            let lastOutput = last.withLock { $0 }
            var wake = deadline
            if let idle {
                let idleDeadline = lastOutput + idle
                wake = wake.map { min($0, idleDeadline) } ?? idleDeadline
            }
            guard let wake else { return }
            try await Task.sleep(until: wake, clock: .continuous)
            let now = ContinuousClock.now
            if let deadline, let timeout, now >= deadline { throw AttemptTimeout.attempt(timeout) }
            if let idle, now - last.withLock({ $0 }) >= idle { throw AttemptTimeout.idle(idle) }
        }
    }
}
