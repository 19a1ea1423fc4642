import A2A

/// The lifecycle of one ``TaskRun`` as a value: which phase the run is in, what each phase
/// keeps, and what the run must do at each event. It has no locks, tasks or sockets; ``TaskRun``
/// keeps it under its lock, feeds it the events and carries out the actions it returns (save
/// the task, push events to subscribers, wake waiting requests) — the shape of hummingbird's
/// `Server` state and NIO's state machines.
///
/// ```
///            agent's final state / reply / cancel          task saved
///   running ───────────────────────────────────────▶ settling ─────────▶ settled
///     │  ▲                                               ▲
///     │  │ client's answer, or the wait timed out        │ agent's final state / cancel
///     ▼  │                                               │
///   paused ──────────────────────────────────────────────┘
///   (agent asked a question)
/// ```
///
/// Generic over the subscriber type so that tests can use plain objects.
struct TaskRunStateMachine<Subscriber: AnyObject> {
    /// Where the run is.
    enum Phase {
        /// The agent works; its events go to the subscribers as they come. `input` is an
        /// answer (or a timeout) the agent has not picked up yet.
        case running(Live, input: PendingInput)
        /// The agent asked a question and waits for the client's next message: streams have
        /// ended, blocking requests have their answer, nobody can subscribe.
        case paused(Live)
        /// A final state or a single-message reply was reached, or the run was cancelled: the
        /// task is being saved; only then are the subscribers given `finalEvents`.
        case settling(Outcome, subscribers: [Subscriber], finalEvents: [StreamResponse])
        /// Saved, and every subscriber and waiting request told.
        case settled(Outcome)
    }

    /// What a run that has not settled keeps.
    struct Live {
        /// Whether the task has been sent to subscribers (as a `task` event) yet.
        var announced = false
        var subscribers: [Subscriber] = []
        /// Blocking requests waiting on the run: they keep it alive if streams disconnect.
        var holds = 0
        /// Started with `returnImmediately`: disconnects never cancel it.
        var detached = false
    }

    /// An answer to the agent's question that has arrived before the agent waits for it.
    enum PendingInput: Equatable {
        case none
        case answered(Message)
        case expired
    }

    /// How a run settled.
    struct Outcome {
        /// The single-message reply, when the agent answered without a task.
        var reply: Message?
        /// Settled by a cancel request: the agent's later sends are told to stop.
        var cancelled: Bool
    }

    /// How a request attaches to a resumed run.
    enum Attachment {
        case blocking
        case streaming(Subscriber)
        case detached
    }

    /// Events to put in subscribers' queues (in order, before anything else changes), and what
    /// to store.
    struct Delivery {
        var events: [StreamResponse] = []
        var subscribers: [Subscriber] = []
        /// Save the whole task (it was announced or replaced, or it reached a final state).
        var persist: A2ATask?
        /// Record one change to a task already saved.
        var record: StreamResponse?
    }

    /// What to do with an event the agent sent.
    enum SendAction {
        /// Nothing: the run has settled (`cancelled`: by a cancel request, so the agent should
        /// stop), or a `working` update arrived while the question is open.
        case ignore(cancelled: Bool)
        /// Push and store as the delivery says; then wait for any subscriber left full.
        case deliver(Delivery)
        /// The run paused: push the events, end the subscribers' streams, answer the waiting
        /// requests, and save the task as paused.
        case pause(Delivery)
        /// The run is settling: save `persist` (if any), then ``released()``.
        case settle(persist: A2ATask?)
    }

    /// What the agent gets when it looks for its answer (``agentTakesInput()``).
    enum InputOutcome: Equatable {
        case answer(Message)
        case expired
        /// The run settled: the agent's wait ends (it is being cancelled).
        case ended
    }

    let taskId: String
    let contextId: String
    /// The task as it stands now.
    private(set) var task: A2ATask
    private(set) var phase: Phase

    init(task: A2ATask) {
        self.taskId = task.id
        self.contextId = task.contextId
        self.task = task
        self.phase = .running(Live(), input: .none)
    }

    // MARK: Queries

    /// Settling or settled: later events from the agent are ignored.
    var isSettled: Bool {
        switch phase {
        case .running, .paused: false
        case .settling, .settled: true
        }
    }

    /// Whether the agent is waiting for the client's next message.
    var isPaused: Bool {
        if case .paused = phase { return true }
        return false
    }

    /// Whether blocking requests have their answer: the run paused, or settled and saved.
    var requestsAnswered: Bool {
        switch phase {
        case .paused, .settled: true
        case .running, .settling: false
        }
    }

    /// Whether the run was settled by a cancel request.
    var cancelRequested: Bool {
        switch phase {
        case .settling(let o, _, _), .settled(let o): o.cancelled
        case .running, .paused: false
        }
    }

    /// The answer for a blocking request: the single-message reply, or the task.
    var result: SendMessageResult {
        switch phase {
        case .settling(let o, _, _), .settled(let o):
            if let reply = o.reply { return .message(reply) }
        case .running, .paused: break
        }
        return .task(task)
    }

    /// The subscribers to give the next events.
    var subscribers: [Subscriber] {
        switch phase {
        case .running(let live, _), .paused(let live): live.subscribers
        case .settling(_, let subs, _): subs
        case .settled: []
        }
    }

    // MARK: The agent's events

    /// The agent sent `event`. With `pausing`, the event is the question (a status update
    /// whose state ends a stream) and the run pauses instead of settling.
    mutating func agentSent(_ event: StreamResponse, pausing: Bool = false) -> SendAction {
        var live: Live
        switch phase {
        case .settling(let o, _, _), .settled(let o):
            return .ignore(cancelled: o.cancelled)
        case .paused(let l):
            // Other work of the agent goes on while it waits; the question stays the status.
            if case .statusUpdate(let u) = event, !u.status.state.endsStream { return .ignore(cancelled: false) }
            live = l
        case .running(let l, _):
            live = l
        }
        let input: PendingInput
        if case .running(_, let i) = phase { input = i } else { input = .none }
        let wasPaused = isPaused

        var d = Delivery()
        func announce() {
            guard !live.announced else { return }
            live.announced = true
            d.events.append(.task(task))
            d.persist = task
        }
        var ends = false
        switch event {
        case .task(var t):
            t.id = taskId
            t.contextId = contextId
            task = t
            d.persist = t
            live.announced = true
            d.events.append(.task(t))
        case .message(var m):
            m.contextId = contextId
            guard live.announced else {
                // A single-message reply: the run is over, with nothing to save.
                phase = .settling(Outcome(reply: m, cancelled: false), subscribers: live.subscribers, finalEvents: [.message(m)])
                return .settle(persist: nil)
            }
            m.taskId = taskId
            task.history.append(m)
            d.record = .message(m)
            d.events.append(.message(m))
        case .statusUpdate(var u):
            announce()
            u.taskId = taskId
            u.contextId = contextId
            u.isFinal = u.status.state.endsStream
            task.status = u.status
            d.events.append(.statusUpdate(u))
            if u.isFinal {
                ends = true
                d.persist = task
            } else {
                d.record = .statusUpdate(u)
            }
        case .artifactUpdate(var u):
            announce()
            u.taskId = taskId
            u.contextId = contextId
            task.applyChunk(u)
            d.events.append(.artifactUpdate(u))
            d.record = .artifactUpdate(u)
        }
        if ends, !pausing {
            phase = .settling(Outcome(reply: nil, cancelled: false), subscribers: live.subscribers, finalEvents: d.events)
            return .settle(persist: d.persist)
        }
        d.subscribers = live.subscribers
        if ends {
            // Pausing: the subscribers get the question, then their streams end.
            live.subscribers = []
            phase = .paused(live)
            return .pause(d)
        }
        phase = wasPaused ? .paused(live) : .running(live, input: input)
        return .deliver(d)
    }

    /// The agent asks the client a question (`status`, in state `input-required`).
    /// - Throws: ``AgentInputError/alreadyWaiting`` when another question is open or its answer
    ///   has not been picked up yet.
    mutating func agentAsks(_ status: TaskStatusUpdateEvent) throws(AgentInputError) -> SendAction {
        switch phase {
        case .paused, .running(_, input: .answered), .running(_, input: .expired):
            throw .alreadyWaiting
        case .running, .settling, .settled:
            return agentSent(.statusUpdate(status), pausing: true)
        }
    }

    /// The agent waits for the answer: what it gets now, or `nil` to wait.
    mutating func agentTakesInput() -> InputOutcome? {
        switch phase {
        case .running(let live, input: .answered(let m)):
            phase = .running(live, input: .none)
            return .answer(m)
        case .running(let live, input: .expired):
            phase = .running(live, input: .none)
            return .expired
        case .running, .paused: return nil
        case .settling, .settled: return .ended
        }
    }

    // MARK: The client's answer

    /// The client's next message resumes a paused run: it joins the history, the task goes
    /// back to `working`, and the request attaches as `attachment`. Returns the task as it now
    /// stands (save it before handing the answer to the agent), or `nil` when the run is not
    /// paused (any more).
    mutating func resume(with message: Message, attachment: Attachment) -> A2ATask? {
        guard case .paused(var live) = phase else { return nil }
        task.history.append(message)
        task.status = TaskStatus(state: .working, timestamp: .now)
        switch attachment {
        case .blocking: live.holds += 1
        case .streaming(let sub): live.subscribers.append(sub)
        case .detached: live.detached = true
        }
        phase = .running(live, input: .none)
        return task
    }

    /// The resumed run's answer is ready for the agent. When the agent is not parked for it
    /// (`agentWaiting` false: it has not started waiting yet), it is kept until the agent looks.
    mutating func answerArrived(_ message: Message, agentWaiting: Bool) {
        guard !agentWaiting, case .running(let live, input: .none) = phase else { return }
        phase = .running(live, input: .answered(message))
    }

    /// No answer arrived in time (the agent's wait was given up): the run is no longer
    /// paused, and the agent's next look for its answer fails (its executor then fails the
    /// task). Nothing changes when the run was not paused: the answer came in just now.
    mutating func inputTimedOut() {
        guard case .paused(let live) = phase else { return }
        phase = .running(live, input: .expired)
    }

    // MARK: Settling

    /// The run settles with a final status of its own (`canceled`, or `failed` when the agent
    /// ended without a final state). Returns the task to save and the events to release after,
    /// or `nil` if it has already settled.
    mutating func settle(_ status: TaskStatus, cancelled: Bool) -> A2ATask? {
        let live: Live
        switch phase {
        case .running(let l, _), .paused(let l): live = l
        case .settling, .settled: return nil
        }
        var events: [StreamResponse] = []
        if !live.announced { events.append(.task(task)) }
        task.status = status
        events.append(.statusUpdate(TaskStatusUpdateEvent(taskId: taskId, contextId: contextId, status: status, isFinal: true)))
        phase = .settling(Outcome(reply: nil, cancelled: cancelled), subscribers: live.subscribers, finalEvents: events)
        return task
    }

    /// The settled task is saved: give `subscribers` the final `events` and end their streams,
    /// answer every blocking request, end the agent's wait for input. Empty when not settling.
    mutating func released() -> (subscribers: [Subscriber], events: [StreamResponse]) {
        guard case .settling(let o, let subs, let events) = phase else { return ([], []) }
        phase = .settled(o)
        return (subs, events)
    }

    // MARK: Clients

    /// Adds a subscriber; returns the task as it stands (its first event, if asked for), or
    /// `nil` when the run cannot be subscribed to (paused, settling, settled).
    mutating func subscribe(_ sub: Subscriber) -> A2ATask? {
        guard case .running(var live, let input) = phase else { return nil }
        live.subscribers.append(sub)
        phase = .running(live, input: input)
        return task
    }

    /// Removes a subscriber (it left or was dropped). Returns whether the run must now be
    /// cancelled: it `disconnected`, it was the last subscriber, no blocking request waits, the
    /// run is not detached, and the agent is working (not waiting for input).
    mutating func unsubscribe(_ sub: Subscriber, disconnected: Bool) -> Bool {
        switch phase {
        case .running(var live, let input):
            live.subscribers.removeAll { $0 === sub }
            phase = .running(live, input: input)
            return disconnected && live.subscribers.isEmpty && live.holds == 0 && !live.detached
        case .paused(var live):
            live.subscribers.removeAll { $0 === sub }
            phase = .paused(live)
            return false
        case .settling(let o, var subs, let events):
            subs.removeAll { $0 === sub }
            phase = .settling(o, subscribers: subs, finalEvents: events)
            return false
        case .settled:
            return false
        }
    }

    /// A blocking request waits on the run (`+1`) or has its answer (`-1`).
    mutating func adjustHolds(by n: Int) {
        switch phase {
        case .running(var live, let input):
            live.holds += n
            phase = .running(live, input: input)
        case .paused(var live):
            live.holds += n
            phase = .paused(live)
        case .settling, .settled:
            break
        }
    }

    /// The task was started with `returnImmediately`: disconnects never cancel it.
    mutating func detach() {
        switch phase {
        case .running(var live, let input):
            live.detached = true
            phase = .running(live, input: input)
        case .paused(var live):
            live.detached = true
            phase = .paused(live)
        case .settling, .settled:
            break
        }
    }
}
