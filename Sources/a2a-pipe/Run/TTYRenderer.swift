import A2APipe
import Foundation
import Synchronization

/// The live view (`--output tty`): folds events into a ``PipelineSnapshot`` and redraws the
/// whole block in place on stderr.
///
/// Redraws happen at most every 100 ms — on an event, or on a tick while something runs so the
/// elapsed times and spinners move — plus a final draw in ``finish()``. Each frame is one
/// string written with one `write(2)`: the cursor goes up to the first row, and every row is
/// rewritten and its rest erased (`ESC[K`), so no row is ever blank on screen (no flicker). The
/// frame is also wrapped in synchronized-update marks (`ESC[?2026h` … `ESC[?2026l`), which
/// terminals that do not know them ignore. The cursor is hidden while the view is live and
/// shown again by ``finish()``, which every path out of a run calls (success, failure,
/// Ctrl-C).
final class TTYRenderer: PipelineEventSink {
    /// The minimum time between two frames.
    static let interval: Duration = .milliseconds(100)

    private struct State: Sendable {
        var snapshot = PipelineSnapshot()
        var frame: TTYFrame
        var started = false
        var finished = false
        var suspended = false
        var dirty = false
        var rowsOnScreen = 0
        var lastDraw: ContinuousClock.Instant?
        var startedAt: ContinuousClock.Instant?
        var finishedAfter: Duration?
    }

    private let state: Mutex<State>
    private let ticker = Mutex<Task<Void, Never>?>(nil)
    private let fd: Int32
    private let origin = ContinuousClock.now

    /// Creates the view; it draws nothing until the run starts.
    ///
    /// - Parameters:
    ///   - forEachStages: Stages whose rows show item counts.
    ///   - color: Whether to use colour (off with `NO_COLOR`).
    ///   - fd: Where to draw (stderr).
    init(forEachStages: Set<String>, color: Bool, fd: Int32 = 2) {
        state = Mutex(State(frame: TTYFrame(forEachStages: forEachStages, color: color)))
        self.fd = fd
    }

    /// Folds `event` in and redraws if the last frame is old enough.
    func receive(_ event: PipelineEvent) async throws {
        let now = ContinuousClock.now
        let startTicker = state.withLock { state -> Bool in
            guard !state.finished else { return false }
            state.snapshot.apply(event, now: now)
            state.frame.note(event)
            state.dirty = true
            var first = false
            switch event {
            case .pipelineStarted:
                state.startedAt = now
                first = !state.started
                state.started = true
            case .pipelineCompleted(_, let elapsed):
                state.finishedAfter = elapsed
            case .pipelineFailed:
                state.finishedAfter = state.startedAt.map { now - $0 }
            default:
                break
            }
            if state.started, !state.suspended, state.lastDraw.map({ now - $0 >= Self.interval }) ?? true {
                draw(&state, now: now)
            }
            return first
        }
        if startTicker { startTicking() }
    }

    /// Draws the final frame and shows the cursor again. Safe to call more than once.
    func finish() {
        ticker.withLock { $0?.cancel(); $0 = nil }
        state.withLock { state in
            guard !state.finished else { return }
            state.finished = true
            guard state.started else { return }
            let now = ContinuousClock.now
            if state.finishedAfter == nil { state.finishedAfter = state.startedAt.map { now - $0 } }
            draw(&state, now: now, final: true)
        }
    }

    /// Draws the current frame, shows the cursor and stops drawing, so a question can be
    /// asked below the view (``InputPrompter``); ``resume()`` draws a new block below it.
    func suspend() {
        state.withLock { state in
            guard state.started, !state.finished, !state.suspended else { return }
            draw(&state, now: ContinuousClock.now, final: true)
            state.suspended = true
            state.rowsOnScreen = 0
        }
    }

    /// Draws again after ``suspend()``.
    func resume() {
        state.withLock { state in
            guard state.suspended else { return }
            state.suspended = false
            state.dirty = true
            if !state.finished { draw(&state, now: ContinuousClock.now) }
        }
    }

    private func startTicking() {
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.interval)
                guard let self else { return }
                self.tick()
            }
        }
        ticker.withLock { $0 = task }
    }

    private func tick() {
        let now = ContinuousClock.now
        state.withLock { state in
            guard state.started, !state.finished, !state.suspended else { return }
            let running = state.snapshot.outcome == .running
            guard state.dirty || running else { return }
            if state.lastDraw.map({ now - $0 >= .milliseconds(90) }) ?? true { draw(&state, now: now) }
        }
    }

    /// Builds one frame and writes it with one write.
    private func draw(_ state: inout State, now: ContinuousClock.Instant, final: Bool = false) {
        let width = StandardStream.columns(of: fd)
        let tick = Int((now - origin) / Self.interval)
        let rows = state.frame.rows(state.snapshot, width: width, now: now, startedAt: state.startedAt, finishedAfter: state.finishedAfter, tick: tick)
        var out = "\u{1B}[?2026h"
        if state.rowsOnScreen == 0 {
            out += "\u{1B}[?25l"  // hide the cursor while the view is live
        } else {
            out += "\r\u{1B}[\(state.rowsOnScreen)A"
        }
        // A frame with fewer rows than the last (never expected) blanks the leftover rows.
        let lines = rows + Array(repeating: "", count: max(0, state.rowsOnScreen - rows.count))
        out += lines.map { "\r" + $0 + "\u{1B}[K" }.joined(separator: "\n")
        state.rowsOnScreen = lines.count
        if final { out += "\u{1B}[?25h" }
        // The newline after the marks: whatever follows the view starts on a clean line.
        out += "\u{1B}[?2026l\n"
        StandardStream.write(out, to: fd)
        state.lastDraw = now
        state.dirty = false
    }
}
