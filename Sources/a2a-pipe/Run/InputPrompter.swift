import A2APipe
import Foundation
import Synchronization

/// Asks the person at the terminal when a stage's agent asks for input (`input-required`):
/// the live view pauses, the question is printed, and the line typed is sent back to the same
/// remote task (``EngineConfiguration/onInputRequired``). The engine asks one question at a
/// time.
///
/// It talks to the controlling terminal (`/dev/tty`), so it works when stdin carries the
/// pipeline's input; it is used only when stderr is a terminal and `/dev/tty` opens (never in
/// a pipe or under CI, where such a stage fails quoting the question). End of input (Ctrl-D)
/// answers nothing, which fails the stage; Ctrl-C cancels the run as usual.
///
/// It is also the last sink of the run's events, so it prints a question only after the view
/// has shown the stage's `stage.input_required` event (waiting at most a second for it).
final class InputPrompter: PipelineEventSink {
    private let fd: Int32

    private struct Shown {
        /// `stage.input_required` events seen per stage, and questions asked per stage.
        var events: [String: Int] = [:]
        var asked: [String: Int] = [:]
        var waiters: [(stage: String, count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let shown = Mutex(Shown())

    private init(fd: Int32) {
        self.fd = fd
    }

    deinit { close(fd) }

    /// A prompter on the controlling terminal, or `nil` when the run is not interactive.
    static func openIfInteractive() -> InputPrompter? {
        guard isatty(2) == 1 else { return nil }
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        return InputPrompter(fd: fd)
    }

    func receive(_ event: PipelineEvent) async throws {
        guard case .stageInputRequired(let stage, _) = event else { return }
        let ready = shown.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.events[stage, default: 0] += 1
            let count = s.events[stage]!
            let ready = s.waiters.filter { $0.stage == stage && $0.count <= count }.map(\.continuation)
            s.waiters.removeAll { $0.stage == stage && $0.count <= count }
            return ready
        }
        for c in ready { c.resume() }
    }

    /// Waits (at most a second) until the sinks before this one have shown the event of this
    /// question: the n-th question of a stage follows its n-th `stage.input_required`.
    private func waitUntilShown(_ stage: String) async {
        let count = shown.withLock { s in
            s.asked[stage, default: 0] += 1
            return s.asked[stage]!
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let now = self.shown.withLock { s in
                        if s.events[stage, default: 0] >= count { return true }
                        s.waiters.append((stage, count, c))
                        return false
                    }
                    if now { c.resume() }
                }
            }
            group.addTask { try? await Task.sleep(for: .seconds(1)) }
            await group.next()
            // A wait that timed out is released here, so the group can end.
            let stale = self.shown.withLock { s in
                defer { s.waiters.removeAll { $0.stage == stage && $0.count == count } }
                return s.waiters.filter { $0.stage == stage && $0.count == count }.map(\.continuation)
            }
            for c in stale { c.resume() }
            group.cancelAll()
        }
    }

    /// Prints the question (pausing `view`) and returns the line typed, or `nil` at end of input.
    func ask(_ request: InputRequest, view: TTYRenderer?) async throws -> String? {
        await waitUntilShown(request.stage)
        view?.suspend()
        defer { view?.resume() }
        let who = request.item.map { "\(request.stage), item \($0)" } ?? request.stage
        StandardStream.write("\n? [\(who)] \(request.question)\n> ", to: fd)
        return try await readLine()
    }

    /// One line from the terminal, read on a thread of its own: a blocking `read(2)` that may
    /// wait minutes for a person must not hold one of the few threads Swift concurrency runs
    /// on. Cancelling returns at once; the thread then ends with the process.
    private func readLine() async throws -> String? {
        let pending = PendingLine()
        let fd = self.fd
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<String?, any Error>) in
                guard pending.store(c) else { return }
                Thread.detachNewThread {
                    pending.resume(with: .success(Self.blockingReadLine(fd)))
                }
            }
        } onCancel: {
            pending.resume(with: .failure(CancellationError()))
        }
    }

    private static func blockingReadLine(_ fd: Int32) -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = read(fd, &byte, 1)
            if n == 1 {
                if byte == UInt8(ascii: "\n") { break }
                bytes.append(byte)
            } else if n < 0, errno == EINTR {
                continue
            } else {
                if bytes.isEmpty { return nil }
                break
            }
        }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The continuation of one ``InputPrompter`` read, resumed exactly once: by the line, or by
/// cancellation, whichever comes first.
private final class PendingLine: Sendable {
    private struct State {
        var continuation: CheckedContinuation<String?, any Error>?
        var early: Result<String?, any Error>?
    }

    private let state = Mutex(State())

    /// Keeps `c`; `false` (and `c` resumed) when the outcome is already known.
    func store(_ c: CheckedContinuation<String?, any Error>) -> Bool {
        let early = state.withLock { s -> Result<String?, any Error>? in
            if let e = s.early { return e }
            s.continuation = c
            return nil
        }
        if let early { c.resume(with: early) }
        return early == nil
    }

    func resume(with result: Result<String?, any Error>) {
        let c = state.withLock { s -> CheckedContinuation<String?, any Error>? in
            guard let c = s.continuation else {
                if s.early == nil { s.early = result }
                return nil
            }
            s.continuation = nil
            s.early = result
            return c
        }
        c?.resume(with: result)
    }
}
