import Synchronization

/// The whole outputs of finished stages, for the stages that wait for them (whole edges,
/// `{{ stages.X.output }}`). Only outputs something reads are kept; other stages publish
/// their completion with an empty text.
final class StageOutputStore: Sendable {
    private struct Waiter {
        var ids: [String]
        var continuation: CheckedContinuation<[String: String], any Error>
    }

    private struct State {
        var outputs: [String: String] = [:]
        var waiters: [Int: Waiter] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    /// Records that stage `id` finished with `output`, and wakes the stages waiting for it.
    func publish(_ id: String, output: String) {
        let ready: [(CheckedContinuation<[String: String], any Error>, [String: String])] = state.withLock { s in
            s.outputs[id] = output
            var ready: [(CheckedContinuation<[String: String], any Error>, [String: String])] = []
            for (key, waiter) in s.waiters where waiter.ids.allSatisfy({ s.outputs[$0] != nil }) {
                ready.append((waiter.continuation, Self.pick(waiter.ids, from: s.outputs)))
                s.waiters.removeValue(forKey: key)
            }
            return ready
        }
        for (continuation, outputs) in ready { continuation.resume(returning: outputs) }
    }

    /// Whether every stage in `ids` has finished.
    func isComplete(_ ids: [String]) -> Bool {
        state.withLock { s in ids.allSatisfy { s.outputs[$0] != nil } }
    }

    /// Waits until every stage in `ids` has finished and returns their outputs. The wait ends
    /// with `CancellationError` when the waiting task is cancelled (the run stops); it is
    /// otherwise bounded by the upstream stages' own bounds.
    func wait(for ids: [String]) async throws -> [String: String] {
        if ids.isEmpty { return [:] }
        let key = state.withLock { s -> Int in
            s.nextWaiter += 1
            return s.nextWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[String: String], any Error>) in
                let immediate: Result<[String: String], any Error>? = state.withLock { s in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if ids.allSatisfy({ s.outputs[$0] != nil }) { return .success(Self.pick(ids, from: s.outputs)) }
                    s.waiters[key] = Waiter(ids: ids, continuation: continuation)
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: key) }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    private static func pick(_ ids: [String], from outputs: [String: String]) -> [String: String] {
        var picked: [String: String] = [:]
        for id in ids { picked[id] = outputs[id] }
        return picked
    }
}

/// Where one stage's output goes as it streams: the `for_each` stages that read it item by item
/// (one ``BoundedChannel`` each: a send waits while the reader is ``streamCapacity`` chunks
/// behind), the pipeline output, and, only when something needs it, a retained copy of the
/// whole output.
final class StageOutputFanout: Sendable {
    /// Chunks buffered towards a `for_each` reader before the stage waits for it.
    static let streamCapacity = 16

    let stage: String
    let streams: [BoundedChannel<String>]
    let events: EventEmitter
    /// Whether this stage's output is the pipeline's output (streamed as `pipeline.output`).
    let isPipelineOutput: Bool
    /// Keep the whole output for whole edges and templates (no limit: they need all of it).
    let retainWhole: Bool
    /// Keep the whole output for the run's result, up to this many bytes.
    let retainForResult: Int?

    private struct Retained {
        var text = ""
        var overflowed = false
    }

    private let retained = Mutex(Retained())
    /// The stage's output cap.
    let stageCap: OutputCap
    /// The run's output cap, when this stage's output is the pipeline's.
    let runCap: OutputCap?

    init(
        stage: String, streams: [BoundedChannel<String>], events: EventEmitter, isPipelineOutput: Bool, retainWhole: Bool, retainForResult: Int?,
        stageCap: OutputCap, runCap: OutputCap?
    ) {
        self.stage = stage
        self.stageCap = stageCap
        self.runCap = runCap
        self.streams = streams
        self.events = events
        self.isPipelineOutput = isPipelineOutput
        self.retainWhole = retainWhole
        self.retainForResult = retainForResult
    }

    /// Counts a piece of output the stage produced against its caps (before it is passed on or
    /// held): throws ``OutputCapExceeded`` past one.
    func admit(_ text: String) throws(OutputCapExceeded) {
        let n = text.utf8.count
        try stageCap.add(n)
        try runCap?.add(n)
    }

    /// Passes one piece of output on; waits while a reader is too far behind.
    func forward(_ text: String) async {
        guard !text.isEmpty else { return }
        if retainWhole || retainForResult != nil {
            retained.withLock { r in
                guard !r.overflowed else { return }
                r.text += text
                if !retainWhole, let limit = retainForResult, r.text.utf8.count > limit {
                    r.overflowed = true
                    r.text = ""
                }
            }
        }
        if isPipelineOutput { await events.send(.pipelineOutput(text: text)) }
        for stream in streams { await stream.send(text) }
    }

    /// The retained output (`nil` when not kept, or beyond the result limit).
    var output: String? {
        retained.withLock { r in
            guard retainWhole || retainForResult != nil, !r.overflowed else { return nil }
            return r.text
        }
    }

    /// Ends the streams: the readers see the end of the output.
    func finish() {
        for stream in streams { stream.finish() }
    }
}
