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

    private struct State {
        var task: A2ATask
        var announced = false
        var reply: Message?
        var settled = false
        /// Settled, saved, and every subscriber and waiter told.
        var released = false
        var cancelRequested = false
        var subscribers: [Subscription] = []
        var holds = 0
        var detached = false
        var settleWaiters: [CheckedContinuation<Void, Never>] = []
        var cancelWaiter: CheckedContinuation<Void, Never>?
        /// The agent is waiting for the client's next message.
        var paused = false
        var inputWaiter: CheckedContinuation<Message, any Error>?
        /// An answer that arrived before the agent started waiting for it.
        var pendingInput: Message?
        /// The wait ended without an answer (set when no waiter was registered yet).
        var inputExpired = false
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

    /// Whether the agent is waiting for the client's next message.
    var isPaused: Bool { state.withLock { $0.paused && !$0.settled } }

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
        if let e = d.record { await store.record(e) }
        if d.settled {
            release(d.finalEvents)
            await onSettled(self)
            return
        }
        for sub in d.full { await waitOrDrop(sub) }
    }

    private struct Delivery {
        var ignored = false
        var cancelled = false
        var persist: A2ATask?
        var record: StreamResponse?
        var settled = false
        var finalEvents: [StreamResponse] = []
        var paused = false
        var full: [Subscription] = []
    }

    private static func apply(_ event: StreamResponse, to s: inout State, taskId: String, contextId: String, pausing: Bool = false) -> Delivery {
        var d = Delivery()
        guard !s.settled else {
            d.ignored = true
            d.cancelled = s.cancelRequested
            return d
        }
        if s.paused, case .statusUpdate(let u) = event, !u.status.state.endsStream {
            // Other work of the agent goes on while it waits; the question stays the status.
            d.ignored = true
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
            d.persist = t
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
                d.record = .message(m)
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
                if pausing { d.paused = true } else { d.settled = true }
                d.persist = s.task
            } else {
                d.record = .statusUpdate(u)
            }
        case .artifactUpdate(var u):
            announce(&s)
            u.taskId = taskId
            u.contextId = contextId
            s.task.applyChunk(u)
            events.append(.artifactUpdate(u))
            d.record = .artifactUpdate(u)
        }
        if d.settled {
            // Delivered by release(_:) once the settled task is saved.
            s.settled = true
            s.paused = false
            d.finalEvents = events
            return d
        }
        for sub in s.subscribers {
            var full = false
            for e in events where sub.push(e) { full = true }
            if full { d.full.append(sub) }
        }
        if d.paused {
            s.paused = true
            Self.endRequestsLocked(&s)
        }
        return d
    }

    /// After the settled task is saved: gives every subscriber the final events, ends every
    /// stream, answers every blocking request, and fails a wait for input.
    private func release(_ finalEvents: [StreamResponse]) {
        state.withLock { s in
            for sub in s.subscribers {
                for e in finalEvents { _ = sub.push(e) }
            }
            Self.settleLocked(&s)
        }
    }

    /// Ends every stream, answers every blocking request, and fails a wait for input.
    private static func settleLocked(_ s: inout State) {
        s.settled = true
        s.released = true
        s.paused = false
        endRequestsLocked(&s)
        if let w = s.inputWaiter {
            s.inputWaiter = nil
            w.resume(throwing: CancellationError())
        }
    }

    /// Ends every stream and answers every blocking request.
    private static func endRequestsLocked(_ s: inout State) {
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

    // MARK: Waiting for input

    func awaitInput(_ status: TaskStatusUpdateEvent) async throws -> Message {
        let delivery = state.withLock { s -> Delivery? in
            guard !s.paused, s.inputWaiter == nil else { return nil }
            return Self.apply(.statusUpdate(status), to: &s, taskId: taskId, contextId: contextId, pausing: true)
        }
        guard let d = delivery else { throw AgentInputError.alreadyWaiting }
        if d.ignored { throw d.cancelled ? CancellationError() : AgentInputError.taskEnded }
        if let t = d.persist { await store.savePaused(t) }
        let timeout = inputTimeout
        return try await withThrowingTaskGroup(of: Message?.self) { group in
            group.addTask { try await self.nextInput() }
            group.addTask {
                do { try await Task.sleep(for: timeout) } catch { return nil }
                self.expireInput()
                return nil
            }
            while let answer = try await group.next() {
                if let answer {
                    group.cancelAll()
                    return answer
                }
            }
            throw CancellationError()
        }
    }

    /// The client's answer, once it arrives (or at once if it already did).
    private func nextInput() async throws -> Message {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Message, any Error>) in
                let ready: Result<Message, any Error>? = state.withLock { s in
                    if let m = s.pendingInput {
                        s.pendingInput = nil
                        return .success(m)
                    }
                    if s.inputExpired {
                        s.inputExpired = false
                        return .failure(AgentInputError.timedOut(inputTimeout))
                    }
                    if s.settled || Task.isCancelled { return .failure(CancellationError()) }
                    s.inputWaiter = c
                    return nil
                }
                if let ready { c.resume(with: ready) }
            }
        } onCancel: {
            let w = state.withLock { s in
                defer { s.inputWaiter = nil }
                return s.inputWaiter
            }
            w?.resume(throwing: CancellationError())
        }
    }

    /// The wait for an answer timed out: the run is no longer paused, and the agent's wait
    /// fails (its executor then fails the task).
    private func expireInput() {
        let w = state.withLock { s -> CheckedContinuation<Message, any Error>? in
            guard s.paused, !s.settled else { return nil }
            s.paused = false
            if let w = s.inputWaiter {
                s.inputWaiter = nil
                return w
            }
            s.inputExpired = true
            return nil
        }
        w?.resume(throwing: AgentInputError.timedOut(inputTimeout))
    }

    /// Hands the client's next message to the agent waiting for it, and attaches the request
    /// that carries it: the task goes back to `working` with the message in its history. A
    /// streaming request's first event is the task as it now stands. Returns `nil` when the
    /// run is not waiting (any more).
    func resume(with message: Message, attachment: TaskManager.Attachment) async -> (Subscription?, A2ATask)? {
        var message = message
        message.taskId = taskId
        message.contextId = contextId
        let resumed = state.withLock { s -> (Subscription?, A2ATask)? in
            guard s.paused, !s.settled else { return nil }
            s.paused = false
            s.task.history.append(message)
            s.task.status = TaskStatus(state: .working, timestamp: .now)
            var sub: Subscription?
            switch attachment {
            case .blocking: s.holds += 1
            case .streaming:
                let new = Subscription(capacity: subscriberCapacity)
                _ = new.push(.task(s.task))
                s.subscribers.append(new)
                sub = new
            case .detached: s.detached = true
            }
            return (sub, s.task)
        }
        guard let (sub, task) = resumed else { return nil }
        // Saved before the agent has the message: saved after, this older task could land after
        // the agent's own later saves (its final state) and overwrite them in the store.
        await store.save(task)
        let waiter = state.withLock { s -> CheckedContinuation<Message, any Error>? in
            if let w = s.inputWaiter {
                s.inputWaiter = nil
                return w
            }
            s.pendingInput = message
            return nil
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
        let (task, waiter, events): (A2ATask?, CheckedContinuation<Void, Never>?, [StreamResponse]) = state.withLock { s in
            guard !s.settled else { return (nil, nil, []) }
            if cancel { s.cancelRequested = true }
            var events: [StreamResponse] = []
            if !s.announced {
                s.announced = true
                events.append(.task(s.task))
            }
            s.task.status = status
            events.append(.statusUpdate(TaskStatusUpdateEvent(taskId: taskId, contextId: contextId, status: status, isFinal: true)))
            // Delivered by release(_:) once the settled task is saved.
            s.settled = true
            s.paused = false
            let w = cancel ? s.cancelWaiter : nil
            if cancel { s.cancelWaiter = nil }
            return (s.task, w, events)
        }
        waiter?.resume()
        if let task {
            await store.save(task)
            release(events)
            await onSettled(self)
        }
        return task
    }

    // MARK: Clients

    /// Adds a subscriber; with `snapshot`, its first event is the task as it stands. Returns
    /// `nil` when the run has settled.
    func subscribe(snapshot: Bool) -> Subscription? {
        state.withLock { s in
            guard !s.settled, !s.paused else { return nil }
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
            return disconnected && s.subscribers.isEmpty && s.holds == 0 && !s.detached && !s.settled && !s.paused
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

    /// Waits until the run settles or pauses for input.
    func waitUntilSettled() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { s in
                if s.released || s.paused { return true }
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
