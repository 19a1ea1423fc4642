/// An agent: receives one request and produces its events through a ``TaskUpdater``.
///
/// The same executor runs behind the A2A server (`A2AServer`) and in-process (a pipeline
/// engine can call it directly with its own ``AgentEventSink``). One call of
/// ``execute(_:updater:)`` handles one message: a new task, or a follow-up to a task that
/// asked for input.
///
/// **Cancellation** is Swift task cancellation: when a client cancels the task (or its only
/// streaming client goes away, or the server shuts down), the task running `execute` is
/// cancelled. Check `Task.isCancelled` or let `Task.sleep` throw; the runner then marks the
/// task canceled. ``cancel(_:)`` is an optional hook that runs at the same moment.
///
/// **Ending.** `execute` should end the task with ``TaskUpdater/complete(_:)``,
/// ``TaskUpdater/fail(_:)``, ``TaskUpdater/requireInput(_:)`` or reply with one message
/// (``TaskUpdater/reply(_:)-(Message)``). If it returns without doing so, the task completes;
/// if it throws, the task fails with the error's description.
public protocol AgentExecutor: Sendable {
    /// Handles one message.
    func execute(_ context: RequestContext, updater: TaskUpdater) async throws

    /// Called when the task is being cancelled, while `execute` is still running (its task
    /// is cancelled right after). The default does nothing.
    func cancel(_ context: RequestContext) async
}

extension AgentExecutor {
    public func cancel(_ context: RequestContext) async {}
}
