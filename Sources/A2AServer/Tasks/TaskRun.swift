import A2A
import AsyncPrimitives
import Synchronization

/// One run of an agent for a task: it receives the agent's events, keeps the task's live
/// state, and fans the events out to the task's subscribers.
///
/// **Fan-out is bounded.** Each subscriber has a queue of ``A2AServerConfiguration/subscriberBufferCapacity``
/// events. When a subscriber's queue is full the agent's next `send` waits until that
/// subscriber has drained half of it (backpressure: the agent runs at the pace of its slowest
/// subscriber). A subscriber that stays full for ``A2AServerConfiguration/slowSubscriberTimeout``
/// is dropped: its stream ends without a final state (the client can `GetTask` or re-subscribe),
/// and the run goes on for the others. Dropping does not count as a disconnect.
///
/// **Settling.** The run settles at the first terminal or interrupted state, at a
/// single-message reply, or when it is cancelled: later events from the agent are ignored, the
/// task is saved to the store, and only then every subscriber gets the final events and its
/// stream ends and blocking requests are answered (so a client that saw the end can rely on
/// the store having it). Changes before that are ``TaskStore/record(_:)``ed as they happen.
///
/// **Pausing for input.** An agent that asks with ``TaskUpdater/askForInput(_:metadata:)``
/// pauses the run instead: the task goes `input-required`, streams end and blocking requests
/// are answered as when settling, but the run stays active and the agent keeps running. The
/// client's next message on the task (``resume(with:metadata:attachment:)``) is handed to the
/// waiting agent and attaches the new request to the same run. While paused, the agent's
/// `working` updates do not hide the question (its artifact chunks are kept); a paused run
/// cannot be subscribed to (like any interrupted task), and a disconnect never cancels it. No
/// answer within ``A2AServerConfiguration/inputTimeout`` fails the task.
final class TaskRun: AgentEventSink, Sendable {
    /// The request the run answers.
    let context: RequestContext
    private let executor: any AgentExecutor
    private let store: any TaskStore
    private let subscriberCapacity: Int
    private let slowSubscriberTimeout: Duration
    private let inputTimeout: Duration
    private let onSettled: @Sendable (TaskRun) async -> Void

    /// The lifecycle (``TaskRunStateMachine``) and the tasks waiting on it. Events go into
    /// subscribers' queues in the same critical section as the transition that made them, so
    /// every subscriber sees them in the order the state changed; saving and waking waiters
    /// happen after the lock is released.
    private struct State {
        var machine: TaskRunStateMachine<Subscription>
        /// Blocking requests waiting until the run settles or pauses.
        var settleWaiters = WaiterSet<Void, Void>()
        /// ``execute()``'s watch for a cancel request.
        var cancelWaiters = WaiterSet<Void, Void>()
        /// The agent waiting for the client's answer.
        var inputWaiters = WaiterSet<Message, Void>()
    }

    private let state: Mutex<State>

    init(
        context: RequestContext, executor: any AgentExecutor, store: any TaskStore,
        subscriberCapacity: Int, slowSubscriberTimeout: Duration, inputTimeout: Duration = .seconds(1800),
        onSettled: @escaping @Sendable (TaskRun) async -> Void
    ) {
        self.context = context
        self.executor = executor
        self.store = store
        self.subscriberCapacity = subscriberCapacity
        self.slowSubscriberTimeout = slowSubscriberTimeout
        self.inputTimeout = inputTimeout
        self.onSettled = onSettled
        let initial = context.initialTask
        self.initialSnapshot = initial
        state = Mutex(State(machine: TaskRunStateMachine(task: initial)))
    }

    var taskId: String { context.taskId }
    /// The task as the run started it (state `submitted`): the answer to `returnImmediately`.
    let initialSnapshot: A2ATask
    var contextId: String { context.contextId }

    /// The task as it stands now.
    var snapshot: A2ATask { state.withLock { $0.machine.task } }

    /// Whether the run has settled.
    var isSettled: Bool { state.withLock { $0.machine.isSettled } }

    /// Whether the agent is waiting for the client's next message.
    var isPaused: Bool { state.withLock { $0.machine.isPaused } }

    /// The answer for a blocking request: the single-message reply, or the task.
    var result: SendMessageResult { state.withLock { $0.machine.result } }

    // MARK: Running the agent

    /// Runs the agent to its end. Cancelling the calling task, or ``cancel(reason:)``,
    /// cancels the agent.
    func execute() async {
        let updater = TaskUpdater(sink: self, context: context)
        let executor = self.executor
        let context = self.context
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var failure: (any Error)?
                do {
                    try await executor.execute(context, updater: updater)
                } catch {
                    failure = error
                }
                await updater.finish(error: failure)
            }
            group.addTask {
                // Ends with a cancel request, or when the group is cancelled.
                try? await self.state.park(in: \.cancelWaiters) { s in s.machine.cancelRequested ? .success(()) : nil }
            }
            await group.next()
            group.cancelAll()
        }
        if !isSettled {
            // The agent wrote straight to the sink and left the task open.
            _ = await settle(TaskStatus(state: .failed, message: updater.agentMessage("The agent ended without a final state"), timestamp: .now))
        }
    }

    // MARK: AgentEventSink

    func send(_ event: StreamResponse) async throws {
        let (action, full) = state.withLock { s in
            let action = s.machine.agentSent(event)
            return (action, Self.push(action, in: &s))
        }
        try await carryOut(action, full: full)
    }

    /// Puts the action's events in the subscribers' queues (under the lock); for a pause, ends
    /// their streams and answers the blocking requests. Returns the subscribers left full and
    /// the waiters to wake.
    private static func push(_ action: TaskRunStateMachine<Subscription>.SendAction, in s: inout State) -> Pushed {
        var pushed = Pushed()
        switch action {
        case .ignore, .settle: break
        case .deliver(let d):
            for sub in d.subscribers {
                var full = false
                for e in d.events where sub.push(e) { full = true }
                if full { pushed.full.append(sub) }
            }
        case .pause(let d):
            for sub in d.subscribers {
                for e in d.events { _ = sub.push(e) }
                sub.finish(.completed)
            }
            pushed.woken = s.settleWaiters.removeAll()
        }
        return pushed
    }

    private struct Pushed {
        var full: [Subscription] = []
        var woken = WaiterSet<Void, Void>()
    }

    /// Saves, records and waits as the agent's event requires.
    private func carryOut(_ action: TaskRunStateMachine<Subscription>.SendAction, full pushed: Pushed) async throws {
        pushed.woken.resumeAll(returning: ())
        switch action {
        case .ignore(let cancelled):
            if cancelled { throw CancellationError() }
        case .deliver(let d):
            if let t = d.persist { await store.save(t) }
            if let e = d.record { await store.record(e) }
            for sub in pushed.full { await waitOrDrop(sub) }
        case .pause(let d):
            if let t = d.persist { await store.savePaused(t) }
        case .settle(let persist):
            if let t = persist { await store.save(t) }
            releaseSettled()
            await onSettled(self)
        }
    }

    /// After the settled task is saved: gives every subscriber the final events, ends every
    /// stream, answers every blocking request, and ends a wait for input.
    private func releaseSettled() {
        let (settleWaiters, inputWaiters) = state.withLock { s in
            let (subs, events) = s.machine.released()
            for sub in subs {
                for e in events { _ = sub.push(e) }
                sub.finish(.completed)
            }
            return (s.settleWaiters.removeAll(), s.inputWaiters.removeAll())
        }
        settleWaiters.resumeAll(returning: ())
        inputWaiters.resumeAll(throwing: CancellationError())
    }

    /// Waits for a full subscriber to drain; drops it if it stays full too long.
    private func waitOrDrop(_ sub: Subscription) async {
        guard !Task.isCancelled else { return }
        let drained = (try? await withTimeout(slowSubscriberTimeout) { await sub.waitForSpace() }) != nil
        if !drained, !Task.isCancelled {
            _ = state.withLock { s in s.machine.unsubscribe(sub, disconnected: false) }
            sub.finish(.dropped)
        }
    }

    // MARK: Waiting for input

    func awaitInput(_ status: TaskStatusUpdateEvent) async throws -> Message {
        let (action, pushed) = try state.withLock { s throws(AgentInputError) in
            guard s.inputWaiters.isEmpty else { throw AgentInputError.alreadyWaiting }
            let action = try s.machine.agentAsks(status)
            return (action, Self.push(action, in: &s))
        }
        switch action {
        case .ignore(let cancelled): throw cancelled ? CancellationError() : AgentInputError.taskEnded
        case .pause: try await carryOut(action, full: pushed)
        case .deliver, .settle: throw AgentInputError.taskEnded  // not produced for a question
        }
        let timeout = inputTimeout
        let answer = try await withTimeout(timeout) { try await self.nextInput() }
        if let answer { return answer }
        // The time is up: unless the answer came in just now, the wait fails.
        state.withLock { s in s.machine.inputTimedOut() }
        return try await nextInput()
    }

    /// The client's answer, once it arrives (or at once if it already did).
    private func nextInput() async throws -> Message {
        let timeout = inputTimeout
        return try await state.park(in: \.inputWaiters) { s in
            switch s.machine.agentTakesInput() {
            case .answer(let m): .success(m)
            case .expired: .failure(AgentInputError.timedOut(timeout))
            case .ended: .failure(CancellationError())
            case nil: nil
            }
        }
    }

    /// Hands the client's next message to the agent waiting for it, and attaches the request
    /// that carries it: the task goes back to `working` with the message in its history. A
    /// streaming request's first event is the task as it now stands. Returns `nil` when the
    /// run is not waiting (any more).
    func resume(with message: Message, attachment: TaskManager.Attachment) async -> (Subscription?, A2ATask)? {
        var message = message
        message.taskId = taskId
        message.contextId = contextId
        let sub: Subscription? = if case .streaming = attachment { Subscription(capacity: subscriberCapacity) } else { nil }
        let resumed = state.withLock { s -> A2ATask? in
            let attach: TaskRunStateMachine<Subscription>.Attachment =
                switch attachment {
                case .blocking: .blocking
                case .streaming: .streaming(sub!)
                case .detached: .detached
                }
            guard let task = s.machine.resume(with: message, attachment: attach) else { return nil }
            if let sub { _ = sub.push(.task(task)) }
            return task
        }
        guard let task = resumed else { return nil }
        // Saved before the agent has the message: saved after, this older task could land after
        // the agent's own later saves (its final state) and overwrite them in the store.
        await store.save(task)
        let waiter = state.withLock { s -> WaiterSet<Message, Void>.Waiter? in
            let waiter = s.inputWaiters.removeFirst()
            s.machine.answerArrived(message, agentWaiting: waiter != nil)
            return waiter
        }
        waiter?.resume(returning: message)
        return (sub, task)
    }

    // MARK: Cancelling

    /// Cancels the run: the task is marked canceled at once, its streams end, and the agent's
    /// task is cancelled. Returns the canceled task, or `nil` if the run had already settled.
    func cancel(reason: String? = nil) async -> A2ATask? {
        let message = reason.map {
            Message(messageId: IDs.make(), role: .agent, parts: [.text($0)], contextId: contextId, taskId: taskId)
        }
        let task = await settle(TaskStatus(state: .canceled, message: message, timestamp: .now), cancel: true)
        if task != nil { await executor.cancel(context) }
        return task
    }

    /// Settles the run with a final status it sends itself.
    private func settle(_ status: TaskStatus, cancel: Bool = false) async -> A2ATask? {
        let (task, woken) = state.withLock { s -> (A2ATask?, WaiterSet<Void, Void>) in
            guard let task = s.machine.settle(status, cancelled: cancel) else { return (nil, WaiterSet()) }
            return (task, cancel ? s.cancelWaiters.removeAll() : WaiterSet())
        }
        woken.resumeAll(returning: ())
        if let task {
            await store.save(task)
            releaseSettled()
            await onSettled(self)
        }
        return task
    }

    // MARK: Clients

    /// Adds a subscriber; with `snapshot`, its first event is the task as it stands. Returns
    /// `nil` when the run has settled.
    func subscribe(snapshot: Bool) -> Subscription? {
        let sub = Subscription(capacity: subscriberCapacity)
        return state.withLock { s in
            guard let task = s.machine.subscribe(sub) else { return nil }
            if snapshot { _ = sub.push(.task(task)) }
            return sub
        }
    }

    /// Removes a subscriber. When a subscriber *disconnected* and it was the last one, no
    /// blocking request waits, and the task was not started with `returnImmediately`, the
    /// task is cancelled (docs/server.md, "Disconnects").
    func unsubscribe(_ sub: Subscription, disconnected: Bool) async {
        let cancelNow = state.withLock { s in s.machine.unsubscribe(sub, disconnected: disconnected) }
        sub.finish(.cancelled)
        if cancelNow { _ = await cancel(reason: "The client disconnected") }
    }

    /// A blocking request waits on the run: it keeps the task alive if streams disconnect.
    func hold() { state.withLock { $0.machine.adjustHolds(by: 1) } }

    /// The blocking request has its answer.
    func release() { state.withLock { $0.machine.adjustHolds(by: -1) } }

    /// The task was started with `returnImmediately`: disconnects never cancel it.
    func detach() { state.withLock { $0.machine.detach() } }

    /// Waits until the run settles or pauses for input.
    func waitUntilSettled() async {
        _ = try? await state.park(in: \.settleWaiters, cancellable: false) { s in
            s.machine.requestsAnswered ? .success(()) : nil
        }
    }
}

extension A2ATask {
    /// Applies an artifact chunk the way stored tasks keep them: `append` adds the parts to
    /// the artifact (text is joined to the previous text part, so a long stream stays one
    /// part), otherwise the chunk creates or replaces the artifact.
    public mutating func applyChunk(_ u: TaskArtifactUpdateEvent) {
        guard let i = artifacts.firstIndex(where: { $0.artifactId == u.artifact.artifactId }) else {
            artifacts.append(u.artifact)
            return
        }
        guard u.append else {
            artifacts[i] = u.artifact
            return
        }
        for part in u.artifact.parts {
            if case .text(let t) = part.content, part.metadata == nil, part.mediaType == nil,
                let last = artifacts[i].parts.indices.last, artifacts[i].parts[last].appendText(t)
            {
                continue
            }
            artifacts[i].parts.append(part)
        }
        if let m = u.artifact.metadata { artifacts[i].metadata = m }
    }
}

extension Part {
    /// Appends text to a plain text part in place; `false` if this is not one.
    public mutating func appendText(_ more: String) -> Bool {
        guard case .text(var s) = content, metadata == nil, mediaType == nil, filename == nil else { return false }
        content = .text("")
        s += more
        content = .text(s)
        return true
    }
}
