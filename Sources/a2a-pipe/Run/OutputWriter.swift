import A2APipe
import Synchronization

/// Writes the pipeline's output to stdout (every mode but `jsonl`).
///
/// The output streams as the output stage produces it (`pipeline.output` events); when no such
/// event comes, the whole output of `pipeline.completed` is written at the end. When stdout and
/// stderr are the same terminal the output would tear the live view, so it is held back
/// (``deferred``) and written once the run is over, below the last frame. On a terminal the
/// output always ends with a newline, so the shell prompt starts on its own line.
final class OutputWriter: PipelineEventSink {
    private struct State: Sendable {
        var streamed = false
        var held = ""
        var wrote = false
        var endsWithNewline = false
    }

    private let state = Mutex(State())
    /// Whether the output is held back until ``finish(succeeded:)``.
    let deferred: Bool
    private let fd: Int32

    /// - Parameters:
    ///   - deferred: Hold the output back until the run is over.
    ///   - fd: Where the output goes (stdout).
    init(deferred: Bool, fd: Int32 = 1) {
        self.deferred = deferred
        self.fd = fd
    }

    /// Writes (or holds) the output the event carries.
    func receive(_ event: PipelineEvent) async throws {
        switch event {
        case .pipelineOutput(let text):
            state.withLock { $0.streamed = true }
            try emit(text)
        case .pipelineCompleted(let output, _):
            if let output, !state.withLock({ $0.streamed }) { try emit(output) }
        default:
            break
        }
    }

    /// Writes held-back output (only when the run succeeded) and ends a terminal's output with
    /// a newline.
    func finish(succeeded: Bool) {
        let text = state.withLock { state -> String in
            var text = ""
            if deferred, succeeded {
                text = state.held
                if !text.isEmpty {
                    state.wrote = true
                    state.endsWithNewline = text.hasSuffix("\n")
                }
            }
            state.held = ""
            if state.wrote, !state.endsWithNewline, StandardStream.isTerminal(fd) {
                text += "\n"
                state.endsWithNewline = true
            }
            return text
        }
        StandardStream.write(text, to: fd)
    }

    private func emit(_ text: String) throws(StandardStream.Closed) {
        guard !text.isEmpty else { return }
        if deferred {
            state.withLock { $0.held += text }
            return
        }
        state.withLock {
            $0.wrote = true
            $0.endsWithNewline = text.hasSuffix("\n")
        }
        try StandardStream.output(text, to: fd)
    }
}
