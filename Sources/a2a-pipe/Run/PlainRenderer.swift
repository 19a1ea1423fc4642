import A2APipe
import Synchronization

/// The line view (`--output plain`): one line per event on stderr, prefixed with the stage id,
/// never any escape sequence — for logs, CI and pipes.
///
///     [search] started (attempt 1)
///     [search] 40% step 2 of 5
///     [summarize] item 3: Swift concurrency makes data races compile errors.
///     [summarize] completed in 2.1s
///
/// Output text is shown a whole line at a time (a line is printed when its newline arrives, the
/// rest when the stage or item ends), and progress only when it crosses a 10% step, so a fast
/// stream of tokens never floods the log.
final class PlainRenderer: PipelineEventSink {
    private struct State: Sendable {
        /// Text after the last newline, per stage and item.
        var pending: [Key: String] = [:]
        /// The last 10% step printed, per stage (`nil` key: the pipeline).
        var steps: [String?: Int] = [:]
        var items: [String: (done: Int, total: Int?)] = [:]
    }

    private struct Key: Hashable, Sendable {
        var stage: String
        var item: Int?
    }

    private let state = Mutex(State())
    private let fd: Int32

    /// Creates the view, writing to `fd` (stderr).
    init(fd: Int32 = 2) {
        self.fd = fd
    }

    /// Prints the lines `event` calls for.
    func receive(_ event: PipelineEvent) async throws {
        let lines = state.withLock { Self.lines(for: event, state: &$0) }
        guard !lines.isEmpty else { return }
        StandardStream.write(lines.map { $0 + "\n" }.joined(), to: fd)
    }

    private static func lines(for event: PipelineEvent, state: inout State) -> [String] {
        switch event {
        case .stageTask:
            return []  // in JSON Lines (`stage.task`); too noisy for the plain view
        case .pipelineStarted(let pipeline, let stages):
            state = State()
            return ["[pipeline] \(clean(pipeline)) started: \(stages.count) \(stages.count == 1 ? "stage" : "stages") (\(stages.joined(separator: ", ")))"]
        case .stageStarted(let stage, let attempt):
            return ["[\(stage)] started (attempt \(attempt))"]
        case .stageChunk(let stage, let item, let text):
            let key = Key(stage: stage, item: item)
            var buffer = state.pending[key, default: ""] + text
            var complete: [Substring] = []
            if let lastNewline = buffer.lastIndex(where: \.isNewline) {
                complete = buffer[..<lastNewline].split(whereSeparator: \.isNewline)
                buffer = String(buffer[buffer.index(after: lastNewline)...])
            }
            // A line longer than any log line should be is shown in parts.
            if buffer.count > 4000 {
                complete.append(Substring(buffer))
                buffer = ""
            }
            state.pending[key] = buffer
            return complete.compactMap { outputLine(stage: stage, item: item, text: $0) }
        case .stageProgress(let stage, let progress, let message):
            let step = Int((min(1, max(0, progress)) * 10).rounded(.down))
            guard step > state.steps[stage, default: -1] else { return [] }
            state.steps[stage] = step
            let text = message.map { " " + clean($0) } ?? ""
            return ["[\(stage)] \(step * 10)%\(text)"]
        case .stageItems(let stage, let done, let running, let total):
            let previous = state.items[stage]
            guard previous?.done != done || previous?.total != total else { return [] }
            state.items[stage] = (done, total)
            return ["[\(stage)] items: \(done) done, \(running) running, \(total.map { "\($0) in all" } ?? "more to come")"]
        case .stageInputRequired(let stage, let question):
            return flush(stage: stage, state: &state) + ["[\(stage)] input required: \(clean(question))"]
        case .stageCompleted(let stage, let elapsed):
            return flush(stage: stage, state: &state) + ["[\(stage)] completed in \(TTYFrame.format(elapsed))"]
        case .stageFailed(let stage, let attempt, let item, let error, let willRetry):
            let flushed = flush(stage: stage, item: item, state: &state)
            let what = item.map { "item \($0) attempt \(attempt)" } ?? "attempt \(attempt)"
            return flushed + ["[\(stage)] \(what) failed: \(clean(error))\(willRetry ? "; retrying" : "")"]
        case .pipelineProgress(let progress):
            let step = Int((min(1, max(0, progress)) * 10).rounded(.down))
            guard step > state.steps[nil, default: -1] else { return [] }
            state.steps[nil] = step
            return step == 0 ? [] : ["[pipeline] \(step * 10)%"]
        case .pipelineOutput:
            return []
        case .pipelineCompleted(_, let elapsed):
            return flushAll(state: &state) + ["[pipeline] completed in \(TTYFrame.format(elapsed))"]
        case .pipelineFailed(let stage, _):
            return flushAll(state: &state) + [stage.map { "[pipeline] failed in stage \($0)" } ?? "[pipeline] stopped"]
        }
    }

    private static func outputLine(stage: String, item: Int?, text: Substring) -> String? {
        let line = clean(text)
        guard !line.allSatisfy(\.isWhitespace) else { return nil }
        return item.map { "[\(stage)] item \($0): \(line)" } ?? "[\(stage)] \(line)"
    }

    /// Prints what is left of a stage's (or one item's) last line.
    private static func flush(stage: String, item: Int?? = .none, state: inout State) -> [String] {
        var lines: [String] = []
        for key in state.pending.keys.sorted(by: { ($0.item ?? -1) < ($1.item ?? -1) }) where key.stage == stage {
            if case .some(let only) = item, key.item != only { continue }
            if let text = state.pending.removeValue(forKey: key), let line = outputLine(stage: stage, item: key.item, text: Substring(text)) {
                lines.append(line)
            }
        }
        return lines
    }

    private static func flushAll(state: inout State) -> [String] {
        Set(state.pending.keys.map(\.stage)).sorted().flatMap { flush(stage: $0, state: &state) }
    }

    /// No control characters (so no escape sequences) from agent text.
    private static func clean(_ text: some StringProtocol) -> String {
        DisplayWidth.sanitize(text)
    }
}
