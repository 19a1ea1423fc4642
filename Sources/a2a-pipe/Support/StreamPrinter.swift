import A2A
import A2AClient
import Foundation

/// Shows a task's events to a person, or as JSON lines: reply text to stdout as it arrives,
/// status and progress to stderr. Remembers enough to say how the task ended.
struct StreamPrinter {
    var json: Bool
    /// Ids, state, status text and new text: the fold shared with the pipeline engine.
    var observed = TaskObservation()
    var endsWithNewline = true

    var taskId: String? { observed.taskId }
    var contextId: String? { observed.contextId }
    var state: TaskState? { observed.state }
    var statusText: String? { observed.statusText }
    var gotMessage: Bool { observed.gotMessage }

    init(json: Bool) {
        self.json = json
    }

    mutating func handle(_ event: StreamResponse) {
        let text = observed.observe(event)
        if !json, case .statusUpdate(let u) = event {
            if let message = u.status.message?.text, !message.isEmpty {
                Terminal.err("[\(u.status.state.v03Name)\(Self.progress(u.metadata))] \(message)\n")
            } else if let p = u.metadata?["progress"]?.doubleValue {
                Terminal.err("[\(u.status.state.v03Name) \(Self.percent(p))]\n")
            }
        }
        if json {
            Terminal.out(JSONWriter.string(WireEncoder(.v1_0).streamResponse(event)) + "\n")
        } else if !text.isEmpty {
            Terminal.out(text)
            endsWithNewline = text.hasSuffix("\n")
        }
    }

    static func percent(_ p: Double) -> String {
        "\(Int(((p > 1 ? p / 100 : p) * 100).rounded()))%"
    }

    static func progress(_ metadata: JSONObject?) -> String {
        metadata?["progress"]?.doubleValue.map { " " + percent($0) } ?? ""
    }

    /// Whether the stream reached a state after which it is over.
    var isSettled: Bool { observed.isSettled }

    /// Ends the output and reports how the task ended; throws ``Exit`` with code 1 on failure.
    func finish(url: String) throws {
        if !json, !endsWithNewline, Terminal.stdoutIsTTY { Terminal.out("\n") }
        guard let state, !gotMessage else { return }
        let id = taskId ?? "?"
        switch state {
        case .completed:
            if let unconfirmed = statusUnconfirmed, unconfirmed, !json {
                Terminal.err("note: python-a2a agents do not confirm the end of a stream; the output may be incomplete\n")
            }
        case .failed, .rejected, .canceled:
            Terminal.error("error: task \(id) \(state.v03Name)\(statusText.map { ": \($0)" } ?? "")")
            throw Exit(code: 1)
        case .inputRequired, .authRequired:
            Terminal.err("the agent needs \(state == .authRequired ? "authorization" : "input")\(statusText.map { ": \($0)" } ?? "")\n")
            Terminal.err("reply with: a2a-pipe call \(url) 'your answer' --task \(id)\(contextId.map { " --context \($0)" } ?? "")\n")
        case .submitted, .working, .unknown:
            Terminal.err("task \(id) is still \(state.v03Name); follow it with: a2a-pipe task watch \(url) \(id)\n")
        }
    }

    var statusUnconfirmed: Bool? = nil

    mutating func noteUnconfirmed(_ event: StreamResponse) {
        if case .statusUpdate(let u) = event, u.metadata?["a2a-pipe/completion"] == .string("unconfirmed") {
            statusUnconfirmed = true
        }
    }
}

extension Terminal {
    static var stdoutIsTTY: Bool { isatty(1) == 1 }
}

/// Follows a task until it settles, re-attaching when its stream drops (a2a-wire.md §4.2),
/// with ``A2AClient/follow(taskId:attempts:pollInterval:initialError:)``: `SubscribeToTask`
/// on A2A 1.0, polling `GetTask` on 0.3. Text is never repeated (the printer's
/// ``ArtifactTextTracker``).
func follow(_ client: A2AClient, taskId: String, printer: inout StreamPrinter, initial: (any Error)?, attempts: Int = 3) async throws {
    for try await event in client.follow(taskId: taskId, attempts: attempts, initialError: initial) {
        printer.handle(event)
    }
}
