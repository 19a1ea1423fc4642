import Synchronization

/// Puts the questions of an engine's stages to ``EngineConfiguration/onInputRequired`` one at a
/// time: a person at a prompt, or a served task, can answer only one question at once, so a
/// stage that asks while another stage's question is open waits its turn (or until it is
/// cancelled).
///
/// Hand-written because no listed package offers an async mutex that honours cancellation;
/// it is a FIFO of continuations, bounded by the number of stages that can ask at once.
final class QuestionQueue: Sendable {
    private struct State {
        var busy = false
        var nextTicket: UInt64 = 0
        var waiting: [(ticket: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    }

    private let state = Mutex(State())

    /// Runs `body` once no other question is open.
    func ask<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async throws {
        let ticket = state.withLock { s in
            defer { s.nextTicket += 1 }
            return s.nextTicket
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let result: Result<Void, any Error>? = state.withLock { s in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if !s.busy {
                        s.busy = true
                        return .success(())
                    }
                    s.waiting.append((ticket, c))
                    return nil
                }
                if let result { c.resume(with: result) }
            }
        } onCancel: {
            let c = state.withLock { s -> CheckedContinuation<Void, any Error>? in
                guard let i = s.waiting.firstIndex(where: { $0.ticket == ticket }) else { return nil }
                return s.waiting.remove(at: i).continuation
            }
            c?.resume(throwing: CancellationError())
        }
    }

    private func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, any Error>? in
            guard !s.waiting.isEmpty else {
                s.busy = false
                return nil
            }
            return s.waiting.removeFirst().continuation
        }
        next?.resume()
    }
}

extension EngineConfiguration {
    /// This configuration with its ``onInputRequired`` hook called for one question at a time.
    func askingOneAtATime() -> EngineConfiguration {
        guard let hook = onInputRequired else { return self }
        var configuration = self
        let queue = QuestionQueue()
        configuration.onInputRequired = { request in try await queue.ask { try await hook(request) } }
        return configuration
    }
}
