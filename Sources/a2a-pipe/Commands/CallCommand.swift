import A2A
import A2AClient
import ArgumentParser
import Foundation

/// `a2a-pipe call URL [TEXT]`: the curl of A2A.
struct CallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Send one message to any A2A agent and stream the reply to stdout.",
        discussion: """
            The reply text goes to stdout as it arrives; status and progress go to stderr. TEXT
            defaults to standard input. The dialect (A2A 1.0, A2A 0.3 or python-a2a) is chosen
            from the agent card unless --protocol pins it.

            Exit status: 0 the call succeeded (including a task waiting for input), 1 it failed,
            2 bad usage, 130 interrupted (the remote task is cancelled first).
            """
    )

    @Argument(help: "The agent's base URL, or the URL of its card.")
    var url: String

    @Argument(help: "The message text (default: read standard input).")
    var text: String?

    @Flag(name: .customLong("no-stream"), help: "Use a blocking send instead of streaming.")
    var noStream = false

    @Flag(help: "Start the task without waiting for it; print its id.")
    var detach = false

    @Flag(help: "Print each event as one JSON object per line (A2A 1.0 encoding).")
    var json = false

    @Option(help: "Continue this task (after input-required).")
    var task: String?

    @Option(help: "The conversation (context) id to send.")
    var context: String?

    @OptionGroup var client: ClientOptions

    func run() async throws {
        let text = try self.text ?? readStdin()
        let message = Message.user(text, taskId: task, contextId: context)
        let agent = try client.makeClient(url: url)
        let state = CallState()
        let (url, json, noStream, detach) = (self.url, self.json, self.noStream, self.detach)
        try await runReportingErrors({
            if detach {
                let result = try await agent.send(message, configuration: SendConfiguration(returnImmediately: true))
                switch result {
                case .task(let t):
                    Terminal.out(json ? JSONWriter.string(WireEncoder(.v1_0).task(t)) + "\n" : t.id + "\n")
                    Terminal.err("task \(t.id) \(t.status.state.v03Name); follow it with: a2a-pipe task watch \(url) \(t.id)\n")
                case .message(let m):
                    Terminal.err("the agent answered at once with a message; no task to follow\n")
                    Terminal.out(json ? JSONWriter.string(WireEncoder(.v1_0).message(m)) + "\n" : m.text + "\n")
                }
                return
            }
            var printer = StreamPrinter(json: json)
            if noStream {
                let result = try await agent.send(message)
                switch result {
                case .task(let t): printer.handle(.task(t))
                case .message(let m): printer.handle(.message(m))
                }
                try printer.finish(url: url)
                return
            }
            var failure: (any Error)?
            do {
                for try await event in agent.stream(message) {
                    printer.noteUnconfirmed(event)
                    printer.handle(event)
                    if let id = printer.taskId { state.set(id) }
                }
            } catch let error as A2AClientError {
                guard case .connectionLost = error.kind else { throw error }
                failure = error
            }
            if !printer.isSettled, let id = printer.taskId, !id.isEmpty, (try? await agent.endpoint().dialect) != .pythonA2A {
                // The stream ended before the task did: re-attach (a2a-wire.md §4.2).
                do {
                    try await follow(agent, taskId: id, printer: &printer, initial: failure)
                } catch {
                    throw failure ?? error
                }
            } else if let failure {
                throw failure
            }
            try printer.finish(url: url)
        }, onInterrupt: {
            if let id = state.get() { _ = try? await agent.cancelTask(id: id) }
        })
    }
}

/// The task id of a running call, for the Ctrl-C handler.
final class CallState: Sendable {
    private let id = Mutex<String?>(nil)
    func set(_ value: String) { id.withLock { $0 = value } }
    func get() -> String? { id.withLock { $0 } }
}

import Synchronization

/// Reads all of standard input as `what` (the message text, the pipeline's input).
func readStdin(what: String = "the message", otherwise: String = "give it as an argument") throws -> String {
    if isatty(0) == 1 {
        Terminal.err("reading \(what) from standard input; end it with Ctrl-D (or \(otherwise))\n")
    }
    let data = FileHandle.standardInput.readDataToEndOfFile()
    guard let text = String(data: data, encoding: .utf8) else {
        throw ValidationError("standard input is not UTF-8 text")
    }
    return text.hasSuffix("\n") ? String(text.dropLast()) : text
}
