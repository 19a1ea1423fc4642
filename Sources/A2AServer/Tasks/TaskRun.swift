import A2A
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
/// single-message reply, or when it is cancelled: every subscriber's stream ends, blocking
/// requests are answered, the task is saved to the store, and later events from the agent are
/// ignored.
final class TaskRun: AgentEventSink, Sendable {
    /// The request the run answers.
    let context: RequestContext
    private let executor: any AgentExecutor
    private let store: any TaskStore
    private let subscriberCapacity: Int
    private let slowSubscriberTimeout: Duration
    private let onSettled: @Sendable (TaskRun) async -> Void

    private struct State {
        var task: A2ATask
        var announced = false
        var reply: Message?
        var settled = false
        var cancelRequested = false
        var subscribers: [Subscription] = []
        var holds = 0
        var detached = false
        var settleWaiters: [CheckedContinuation<Void, Never>] = []
        var cancelWaiter: CheckedContinuation<Void, Never>?
    }

    private let state: Mutex<State>

    init(
        context: RequestContext, executor: any AgentExecutor, store: any TaskStore,
        subscriberCapacity: Int, slowSubscriberTimeout: Duration,
        onSettled: @escaping @Sendable (TaskRun) async -> Void
    ) {
        self.context = context
        self.executor = executor
        self.store = store
        self.subscriberCapacity = subscriberCapacity
        self.slowSubscriberTimeout = slowSubscriberTimeout
        self.onSettled = onSettled
        let initial = context.initialTask
        self.initialSnapshot = initial
        state = Mutex(State(task: initial))
    }

    var taskId: String { context.taskId }
    /// The task as the run started it (state `submitted`): the answer to `returnImmediately`.
    let initialSnapshot: A2ATask
    var contextId: String { context.contextId }

    /// The task as it stands now.
    var snapshot: A2ATask { state.withLock { $0.task } }

    /// Whether the run has settled.
    var isSettled: Bool { state.withLock { $0.settled } }

    /// The answer for a blocking request: the single-message reply, or the task.
    var result: SendMessageResult {
        state.withLock { s in s.reply.map { .message($0) } ?? .task(s.task) }
    }

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
            group.addTask { await self.waitForCancelRequest() }
            await group.next()
            group.cancelAll()
        }
        if !isSettled {
            // The agent wrote straight to the sink and left the task open.
            _ = await settle(TaskStatus(state: .failed, message: updater.agentMessage("The agent ended without a final state"), timestamp: .now))
        }
    }

    private func waitForCancelRequest() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { s in
                    if s.cancelRequested || Task.isCancelled { return true }
                    s.cancelWaiter = c
                    return false
                }
                if ready { c.resume() }
            }
        } onCancel: {
            let w = state.withLock { s in
                let w = s.cancelWaiter
                s.cancelWaiter = nil
                return w
            }
            w?.resume()
        }
    }

    // MARK: AgentEventSink

    func send(_ event: StreamResponse) async throws {
        let d = state.withLock { s in Self.apply(event, to: &s, taskId: taskId, contextId: contextId) }
        if d.ignored {
            if d.cancelled { throw CancellationError() }
            return
        }
        if let t = d.persist { await store.save(t) }
        if d.settled {
            await onSettled(self)
            return
        }
        for sub in d.full { await waitOrDrop(sub) }
    }

    private struct Delivery {
        var ignored = false
        var cancelled = false
        var persist: A2ATask?
        var settled = false
        var full: [Subscription] = []
    }

    private static func apply(_ event: StreamResponse, to s: inout State, taskId: String, contextId: String) -> Delivery {
        var d = Delivery()
        guard !s.settled else {
            d.ignored = true
            d.cancelled = s.cancelRequested
            return d
        }
        var events: [StreamResponse] = []
        func announce(_ s: inout State) {
            guard !s.announced else { return }
            s.announced = true
            events.append(.task(s.task))
            d.persist = s.task
        }
        switch event {
        case .task(var t):
            t.id = taskId
            t.contextId = contextId
            s.task = t
            if !s.announced { d.persist = t }
            s.announced = true
            events.append(.task(t))
        case .message(var m):
            m.contextId = contextId
            if !s.announced {
                s.reply = m
                d.settled = true
            } else {
                m.taskId = taskId
                s.task.history.append(m)
            }
            events.append(.message(m))
        case .statusUpdate(var u):
            announce(&s)
            u.taskId = taskId
            u.contextId = contextId
            u.isFinal = u.status.state.endsStream
            s.task.status = u.status
            events.append(.statusUpdate(u))
            if u.isFinal {
                d.settled = true
                d.persist = s.task
            }
        case .artifactUpdate(var u):
            announce(&s)
            u.taskId = taskId
            u.contextId = contextId
            s.task.applyChunk(u)
            events.append(.artifactUpdate(u))
        }
        for sub in s.subscribers {
            var full = false
            for e in events where sub.push(e) { full = true }
            if full { d.full.append(sub) }
        }
        if d.settled { Self.settleLocked(&s) }
        return d
    }

    /// Ends every stream and answers every blocking request.
    private static func settleLocked(_ s: inout State) {
        s.settled = true
        for sub in s.subscribers { sub.finish(.completed) }
        s.subscribers.removeAll()
        for w in s.settleWaiters { w.resume() }
        s.settleWaiters.removeAll()
    }

    /// Waits for a full subscriber to drain; drops it if it stays full too long.
    private func waitOrDrop(_ sub: Subscription) async {
        guard !Task.isCancelled else { return }
        let timeout = slowSubscriberTimeout
        let drained = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await sub.waitForSpace()
                return true
            }
            group.addTask {
                do {
                    try await Task.sleep(for: timeout)
                    return false
                } catch {
                    return true
                }
            }
            let first = await group.next() ?? true
            group.cancelAll()
            return first
        }
        if !drained, !Task.isCancelled {
            state.withLock { s in s.subscribers.removeAll { $0 === sub } }
            sub.finish(.dropped)
        }
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
        let (task, waiter): (A2ATask?, CheckedContinuation<Void, Never>?) = state.withLock { s in
            guard !s.settled else { return (nil, nil) }
            if cancel { s.cancelRequested = true }
            var events: [StreamResponse] = []
            if !s.announced {
                s.announced = true
                events.append(.task(s.task))
            }
            s.task.status = status
            events.append(.statusUpdate(TaskStatusUpdateEvent(taskId: taskId, contextId: contextId, status: status, isFinal: true)))
            for sub in s.subscribers {
                for e in events { _ = sub.push(e) }
            }
            Self.settleLocked(&s)
            let w = cancel ? s.cancelWaiter : nil
            if cancel { s.cancelWaiter = nil }
            return (s.task, w)
        }
        waiter?.resume()
        if let task {
            await store.save(task)
            await onSettled(self)
        }
        return task
    }

    // MARK: Clients

    /// Adds a subscriber; with `snapshot`, its first event is the task as it stands. Returns
    /// `nil` when the run has settled.
    func subscribe(snapshot: Bool) -> Subscription? {
        state.withLock { s in
            guard !s.settled else { return nil }
            let sub = Subscription(capacity: subscriberCapacity)
            if snapshot { _ = sub.push(.task(s.task)) }
            s.subscribers.append(sub)
            return sub
        }
    }

    /// Removes a subscriber. When a subscriber *disconnected* and it was the last one, no
    /// blocking request waits, and the task was not started with `returnImmediately`, the
    /// task is cancelled (docs/server.md, "Disconnects").
    func unsubscribe(_ sub: Subscription, disconnected: Bool) async {
        let cancelNow = state.withLock { s in
            s.subscribers.removeAll { $0 === sub }
            return disconnected && s.subscribers.isEmpty && s.holds == 0 && !s.detached && !s.settled
        }
        sub.finish(.cancelled)
        if cancelNow { _ = await cancel(reason: "The client disconnected") }
    }

    /// A blocking request waits on the run: it keeps the task alive if streams disconnect.
    func hold() { state.withLock { $0.holds += 1 } }

    /// The blocking request has its answer.
    func release() { state.withLock { $0.holds -= 1 } }

    /// The task was started with `returnImmediately`: disconnects never cancel it.
    func detach() { state.withLock { $0.detached = true } }

    /// Waits until the run settles.
    func waitUntilSettled() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { s in
                if s.settled { return true }
                s.settleWaiters.append(c)
                return false
            }
            if ready { c.resume() }
        }
    }
}

extension A2ATask {
    /// Applies an artifact chunk the way stored tasks keep them: `append` adds the parts to
    /// the artifact (text is joined to the previous text part, so a long stream stays one
    /// part), otherwise the chunk creates or replaces the artifact.
    mutating func applyChunk(_ u: TaskArtifactUpdateEvent) {
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
    mutating func appendText(_ more: String) -> Bool {
        guard case .text(var s) = content, metadata == nil, mediaType == nil, filename == nil else { return false }
        content = .text("")
        s += more
        content = .text(s)
        return true
    }
}
