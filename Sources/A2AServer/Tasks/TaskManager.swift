import A2A
import Synchronization

/// The server's tasks: starts runs, finds tasks (live or stored), cancels, subscribes and
/// lists. Protocol layers (JSON-RPC 1.0/0.3, python-a2a) call it and shape the answers.
final class TaskManager: Sendable {
    /// How a new run is attached to the request that starts it.
    enum Attachment {
        /// A blocking send waits for the run to settle.
        case blocking
        /// A streaming send subscribes before the agent starts.
        case streaming
        /// `returnImmediately` / `blocking:false`: nobody waits, disconnects never cancel it.
        case detached
    }

    let executor: any AgentExecutor
    let store: any TaskStore
    let runner: TaskRunner
    private let configuration: A2AServerConfiguration
    private let active = Mutex<[String: TaskRun]>([:])
    private let shuttingDown = Mutex(false)

    init(executor: any AgentExecutor, store: any TaskStore, runner: TaskRunner, configuration: A2AServerConfiguration) {
        self.executor = executor
        self.store = store
        self.runner = runner
        self.configuration = configuration
    }

    /// The number of runs that have not settled yet.
    var activeCount: Int { active.withLock { $0.values.filter { !$0.isSettled }.count } }

    // MARK: Starting

    /// Starts a run for a message: a new task, or a follow-up to a task waiting for input.
    /// A follow-up to a run whose agent is still waiting for the answer
    /// (``TaskUpdater/askForInput(_:metadata:)``) resumes that run instead of starting one.
    /// - Parameter newTaskId: the id for a new task (python-a2a clients choose their own).
    /// - Returns: the run, the request's subscription (streaming), and the task as the request
    ///   finds it (the answer to `returnImmediately`).
    func start(
        _ params: SendMessageParams, attachment: Attachment, newTaskId: String? = nil
    ) async throws(A2AServerError) -> (TaskRun, Subscription?, A2ATask) {
        let message = params.message
        let context: RequestContext
        if let taskId = message.taskId, !taskId.isEmpty {
            guard let existing = await task(id: taskId) else { throw .taskNotFound(taskId) }
            if existing.status.state.isTerminal {
                throw A2AServerError(.unsupportedOperation("Task \(taskId) is in terminal state: \(existing.status.state.v10Name)"))
            }
            if let c = message.contextId, !c.isEmpty, c != existing.contextId {
                throw .invalidParams("message.contextId '\(c)' does not match the context '\(existing.contextId)' of task \(taskId)", field: "message.contextId")
            }
            if let live = run(id: taskId), !live.isSettled {
                guard !shuttingDown.withLock({ $0 }), let (sub, task) = await live.resume(with: message, attachment: attachment) else {
                    throw A2AServerError(.unsupportedOperation("Task \(taskId) is still running; send the next message when it asks for input"))
                }
                return (live, sub, task)
            }
            context = RequestContext(message: message, taskId: taskId, contextId: existing.contextId, metadata: params.metadata, currentTask: existing)
        } else {
            var id = newTaskId ?? IDs.make()
            if active.withLock({ $0[id] != nil }) { id = IDs.make() } else if await store.task(id: id) != nil { id = IDs.make() }
            let contextId = (message.contextId?.isEmpty == false ? message.contextId : nil) ?? IDs.make()
            context = RequestContext(message: message, taskId: id, contextId: contextId, metadata: params.metadata)
        }
        let run = TaskRun(
            context: context, executor: executor, store: store,
            subscriberCapacity: configuration.subscriberBufferCapacity,
            slowSubscriberTimeout: configuration.slowSubscriberTimeout,
            inputTimeout: configuration.inputTimeout,
            onSettled: { [weak self] run in self?.settled(run) })
        let limit = configuration.maxConcurrentRuns
        let registered = active.withLock { map -> Registration in
            if let current = map[context.taskId], !current.isSettled { return .stillRunning }
            // Checked and registered under one lock, so concurrent starts cannot overshoot.
            if map.values.count(where: { !$0.isSettled }) >= limit { return .busy }
            map[context.taskId] = run
            return .registered
        }
        switch registered {
        case .registered: break
        case .stillRunning:
            throw A2AServerError(.unsupportedOperation("Task \(context.taskId) is still running; send the next message when it asks for input"))
        case .busy:
            throw .busy(limit: limit)
        }
        var subscription: Subscription?
        switch attachment {
        case .blocking: run.hold()
        case .streaming: subscription = run.subscribe(snapshot: false)
        case .detached: run.detach()
        }
        guard !shuttingDown.withLock({ $0 }), runner.submit(run) else {
            settled(run)
            throw A2AServerError(.internalError("The server is shutting down"))
        }
        return (run, subscription, run.initialSnapshot)
    }

    private enum Registration { case registered, stillRunning, busy }

    private func settled(_ run: TaskRun) {
        active.withLock { map in
            if map[run.taskId] === run { map[run.taskId] = nil }
        }
    }

    // MARK: Reading

    /// The live run of a task, if one is active.
    func run(id: String) -> TaskRun? {
        active.withLock { $0[id] }
    }

    /// The task as it stands: from its live run, else from the store.
    func task(id: String) async -> A2ATask? {
        if let run = run(id: id) { return run.snapshot }
        return await store.task(id: id)
    }

    /// A page of tasks, newest first, with live state for running ones.
    func list(_ query: TaskStoreQuery) async throws(A2AServerError) -> TaskStorePage {
        var page: TaskStorePage
        do {
            page = try await store.list(query)
        } catch {
            throw .invalidParams(error.description, field: "pageToken")
        }
        for i in page.tasks.indices {
            if let run = run(id: page.tasks[i].id) { page.tasks[i] = run.snapshot }
        }
        return page
    }

    // MARK: Cancelling and subscribing

    /// Cancels a task. A running task is canceled at once (its agent is cancelled); a task
    /// waiting for input is marked canceled; a terminal task cannot be canceled (-32002).
    func cancel(id: String) async throws(A2AServerError) -> A2ATask {
        if let run = run(id: id), let task = await run.cancel(reason: "Canceled by the client") {
            return task
        }
        guard var task = await task(id: id) else { throw .taskNotFound(id) }
        guard !task.status.state.isTerminal else {
            throw A2AServerError(.taskNotCancelable("Task \(id) cannot be canceled: it is in terminal state \(task.status.state.v10Name)"))
        }
        task.status = TaskStatus(state: .canceled, timestamp: .now)
        await store.save(task)
        return task
    }

    /// Subscribes to a running task; the first event is its current snapshot.
    func subscribe(id: String) async throws(A2AServerError) -> (TaskRun, Subscription) {
        if let run = run(id: id), let sub = run.subscribe(snapshot: true) {
            return (run, sub)
        }
        guard let task = await task(id: id) else { throw .taskNotFound(id) }
        throw A2AServerError(.unsupportedOperation("Task \(id) is in \(task.status.state.isTerminal ? "terminal" : "interrupted") state \(task.status.state.v10Name); there is nothing to subscribe to"))
    }

    // MARK: Shutdown

    /// Refuses new runs and cancels every running one, so open streams end.
    func shutdown() async {
        shuttingDown.withLock { $0 = true }
        runner.refuse()
        let runs = active.withLock { Array($0.values) }
        for run in runs { _ = await run.cancel(reason: "The server is shutting down") }
    }
}
