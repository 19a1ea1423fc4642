import A2A
import BuiltinAgents
import Synchronization

/// A built-in agent run in-process: its ``AgentExecutor`` is driven with an
/// ``AgentEventSink`` that reads each event as it is sent (no server, no HTTP), through the
/// same interpreter as a remote agent's events.
struct BuiltinStageAgent: StageAgent {
    let name: String
    let executor: any AgentExecutor
    let onInputRequired: (@Sendable (InputRequest) async throws -> String?)?
    /// Where the agent works, when it talks to a server (the `llm` agent's `base_url`), so a
    /// failure names it: `llm at http://127.0.0.1:11434/v1`.
    var location: String? = nil

    var label: String { location.map { "\(name) at \($0)" } ?? "builtin \(name)" }
    var enginePolicesIdle: Bool { true }

    /// The interpreter shared with the sink (events arrive one at a time, in order), and the
    /// first error the engine's own `emit` threw (an output cap, say).
    final class State: Sendable {
        let interpreter = Mutex(TaskEventInterpreter())
        let emitError = Mutex<(any Error)?>(nil)
    }

    func run(_ call: AgentCall, emit: @escaping @Sendable (AgentOutput) async throws -> Void) async throws {
        let state = State()
        var context = Self.newTask(call.input)
        while true {
            let sink = ClosureEventSink { event in
                let reading = state.interpreter.withLock { $0.read(event) }
                do {
                    if !reading.text.isEmpty { try await emit(.text(reading.text)) }
                    if let p = reading.progress { try await emit(.progress(p, message: reading.message)) }
                } catch {
                    state.emitError.withLock { $0 = $0 ?? error }
                    throw error
                }
            }
            let updater = TaskUpdater(sink: sink, context: context)
            do {
                try await executor.execute(context, updater: updater)
                await updater.finish()
            } catch {
                if error is CancellationError || Task.isCancelled { throw CancellationError() }
                await updater.finish(error: error)
                // The engine refused the output (an output cap): that is the stage's failure,
                // whatever the agent made of it.
                if let refused = state.emitError.withLock({ $0 }) { throw refused }
                if !state.interpreter.withLock({ $0.isSettled }) { throw error }
            }
            try Task.checkCancellation()
            let (asked, question, taskId, contextId) = state.interpreter.withLock {
                ($0.state == .inputRequired && !$0.gotMessage, $0.statusText ?? "(no question text)", $0.taskId, $0.contextId)
            }
            guard asked else { break }
            try await emit(.inputRequired(question))
            guard let hook = onInputRequired,
                  let answer = try await hook(InputRequest(stage: call.stage, item: call.item, question: question))
            else { break }
            let id = taskId ?? context.taskId
            let ctx = contextId ?? context.contextId
            context = RequestContext(
                message: .user(answer), taskId: id, contextId: ctx,
                currentTask: A2ATask(id: id, contextId: ctx, status: TaskStatus(state: .inputRequired)))
            state.interpreter.withLock { $0.state = nil }
        }
        try state.interpreter.withLock { $0 }.checkOutcome()
    }

    /// In-process calls counted, for their ids.
    private static let calls = Atomic<UInt64>(0)

    /// The context of a new in-process task. Its ids never leave the process, so they are a
    /// counter (`t12`, `c12`, `m12`: short strings, no allocation) rather than random UUIDs,
    /// whose random bytes cost system calls on every call (a `for_each` stage makes one call
    /// per item).
    static func newTask(_ input: String) -> RequestContext {
        let n = calls.wrappingAdd(1, ordering: .relaxed).newValue
        return RequestContext(
            message: Message(messageId: "m\(n)", role: .user, parts: [.text(input)]),
            taskId: "t\(n)", contextId: "c\(n)")
    }
}
