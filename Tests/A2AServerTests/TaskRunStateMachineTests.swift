import A2A
@testable import A2AServer
import Testing

/// The task-run lifecycle on its own: every transition of ``TaskRunStateMachine``, with plain
/// objects for subscribers — no tasks, locks or sockets, so the orders that were only reachable
/// through timing (an answer before the agent waits, a timeout racing the answer, a cancel
/// while paused, a send after a cancel) are each one line here.
@Suite("Task-run state machine")
struct TaskRunStateMachineTests {
    final class Sub {}
    typealias Machine = TaskRunStateMachine<Sub>

    static func machine() -> Machine {
        Machine(task: A2ATask(id: "t1", contextId: "c1", status: TaskStatus(state: .submitted)))
    }

    static func status(_ state: TaskState) -> StreamResponse {
        .statusUpdate(TaskStatusUpdateEvent(taskId: "x", contextId: "y", status: TaskStatus(state: state)))
    }

    static func question() -> TaskStatusUpdateEvent {
        TaskStatusUpdateEvent(taskId: "x", contextId: "y", status: TaskStatus(state: .inputRequired))
    }

    static func chunk(_ text: String, append: Bool = true) -> StreamResponse {
        .artifactUpdate(TaskArtifactUpdateEvent(taskId: "x", contextId: "y", artifact: Artifact(artifactId: "a", parts: [.text(text)]), append: append))
    }

    static func message(_ text: String) -> Message {
        Message(messageId: "m-\(text)", role: .user, parts: [.text(text)])
    }

    // MARK: running

    @Test("the first event announces the task; ids are the run's; later events are recorded")
    func announceThenRecord() throws {
        var m = Self.machine()
        let sub = Sub()
        let r1 = m.subscribe(sub)
        #expect(r1?.id == "t1")
        guard case .deliver(let d) = m.agentSent(Self.status(.working)) else { Issue.record("not delivered"); return }
        #expect(d.events.count == 2)
        guard case .task(let announced) = d.events[0], case .statusUpdate(let u) = d.events[1] else { Issue.record("wrong events"); return }
        #expect(announced.id == "t1")
        #expect(u.taskId == "t1" && u.contextId == "c1" && !u.isFinal)
        #expect(d.persist?.id == "t1")
        #expect(d.subscribers.count == 1 && d.subscribers[0] === sub)
        guard case .deliver(let d2) = m.agentSent(Self.chunk("hello")) else { Issue.record("not delivered"); return }
        #expect(d2.events.count == 1)
        #expect(d2.persist == nil)
        guard case .artifactUpdate(let a)? = d2.record else { Issue.record("not recorded"); return }
        #expect(a.taskId == "t1")
        _ = m.agentSent(Self.chunk(" world"))
        #expect(m.task.artifacts.first?.text == "hello world")
        #expect(!m.isSettled && !m.isPaused && !m.requestsAnswered)
    }

    @Test("a task event replaces the task, keeping the run's ids")
    func taskEvent() {
        var m = Self.machine()
        let t = A2ATask(id: "other", contextId: "other", status: TaskStatus(state: .working), history: [Self.message("h")])
        guard case .deliver(let d) = m.agentSent(.task(t)) else { Issue.record("not delivered"); return }
        #expect(d.persist?.id == "t1" && d.persist?.contextId == "c1")
        #expect(m.task.history.count == 1)
        // Announced already: the next status is not preceded by a task event.
        guard case .deliver(let d2) = m.agentSent(Self.status(.working)) else { Issue.record("not delivered"); return }
        #expect(d2.events.count == 1)
    }

    @Test("a message before any task event is the reply: the run settles with it and saves nothing")
    func reply() {
        var m = Self.machine()
        let sub = Sub()
        _ = m.subscribe(sub)
        guard case .settle(let persist) = m.agentSent(.message(Self.message("hi"))) else { Issue.record("not settled"); return }
        #expect(persist == nil)
        #expect(m.isSettled && !m.requestsAnswered)
        guard case .message(let r) = m.result else { Issue.record("no reply"); return }
        #expect(r.contextId == "c1")
        let (subs, events) = m.released()
        #expect(subs.count == 1 && events.count == 1)
        #expect(m.requestsAnswered)
    }

    @Test("a message after the announcement joins the history")
    func messageInHistory() {
        var m = Self.machine()
        _ = m.agentSent(Self.status(.working))
        guard case .deliver(let d) = m.agentSent(.message(Self.message("note"))) else { Issue.record("not delivered"); return }
        guard case .message(let recorded)? = d.record else { Issue.record("not recorded"); return }
        #expect(recorded.taskId == "t1")
        #expect(m.task.history.count == 1)
        guard case .task = m.result else { Issue.record("the result is not the task"); return }
    }

    // MARK: settling

    @Test("a final state settles: the final events wait for the save, later sends are ignored")
    func finalState() {
        var m = Self.machine()
        let sub = Sub()
        _ = m.subscribe(sub)
        _ = m.agentSent(Self.status(.working))
        guard case .settle(let persist) = m.agentSent(Self.status(.completed)) else { Issue.record("not settled"); return }
        #expect(persist?.status.state == .completed)
        #expect(m.isSettled && !m.requestsAnswered)
        // While settling, nobody can subscribe and the agent's events are ignored.
        let r2 = m.subscribe(Sub())
        #expect(r2 == nil)
        guard case .ignore(cancelled: false) = m.agentSent(Self.chunk("late")) else { Issue.record("not ignored"); return }
        #expect(m.subscribers.count == 1)
        let (subs, events) = m.released()
        #expect(subs.count == 1)
        guard case .statusUpdate(let u) = events.last else { Issue.record("no final status"); return }
        #expect(u.isFinal)
        #expect(m.requestsAnswered)
        // Released once only.
        let r3 = m.released()
        #expect(r3.subscribers.isEmpty)
        #expect(m.subscribers.isEmpty)
    }

    @Test("the run's own final state: announced first if the agent never sent anything")
    func settleUnannounced() {
        var m = Self.machine()
        let r4 = m.settle(TaskStatus(state: .failed), cancelled: false)
        #expect(r4?.status.state == .failed)
        guard case .settling(_, _, let events) = m.phase else { Issue.record("not settling"); return }
        #expect(events.count == 2)
        guard case .task = events[0] else { Issue.record("not announced"); return }
        let r5 = m.settle(TaskStatus(state: .canceled), cancelled: true)
        #expect(r5 == nil, "settles once")
        #expect(!m.cancelRequested)
    }

    @Test("a cancel settles the run; the agent's next send is told to stop")
    func cancel() {
        var m = Self.machine()
        _ = m.agentSent(Self.status(.working))
        let r6 = m.settle(TaskStatus(state: .canceled), cancelled: true)
        #expect(r6 != nil)
        #expect(m.cancelRequested)
        guard case .ignore(cancelled: true) = m.agentSent(Self.chunk("x")) else { Issue.record("not told to stop"); return }
        _ = m.released()
        guard case .ignore(cancelled: true) = m.agentSent(Self.status(.completed)) else { Issue.record("not told to stop"); return }
        let r7 = m.agentTakesInput()
        #expect(r7 == .ended)
    }

    // MARK: clients

    @Test("the last subscriber's disconnect cancels the run, unless a request holds it or it is detached")
    func disconnects() {
        var m = Self.machine()
        let a = Sub(), b = Sub()
        _ = m.subscribe(a)
        _ = m.subscribe(b)
        let r8 = m.unsubscribe(a, disconnected: true)
        #expect(!r8, "one subscriber is left")
        m.adjustHolds(by: 1)
        let r9 = m.unsubscribe(b, disconnected: true)
        #expect(!r9, "a blocking request holds the run")
        m.adjustHolds(by: -1)
        let c = Sub()
        _ = m.subscribe(c)
        let r10 = m.unsubscribe(c, disconnected: false)
        #expect(!r10, "a dropped subscriber is not a disconnect")
        _ = m.subscribe(c)
        let r11 = m.unsubscribe(c, disconnected: true)
        #expect(r11)
        var detached = Self.machine()
        detached.detach()
        _ = detached.subscribe(c)
        let r12 = detached.unsubscribe(c, disconnected: true)
        #expect(!r12)
    }

    @Test("a subscriber that leaves while the run settles gets no final events")
    func leaveWhileSettling() {
        var m = Self.machine()
        let a = Sub(), b = Sub()
        _ = m.subscribe(a)
        _ = m.subscribe(b)
        _ = m.agentSent(Self.status(.completed))
        let r13 = m.unsubscribe(a, disconnected: true)
        #expect(!r13)
        let (subs, _) = m.released()
        #expect(subs.count == 1 && subs[0] === b)
        let r14 = m.unsubscribe(b, disconnected: true)
        #expect(!r14)
        m.adjustHolds(by: 1)
        m.detach()
    }

    // MARK: pausing for input

    @Test("a question pauses the run: streams end with it, requests are answered, nobody can subscribe")
    func pause() throws {
        var m = Self.machine()
        let sub = Sub()
        _ = m.subscribe(sub)
        _ = m.agentSent(Self.status(.working))
        guard case .pause(let d) = try m.agentAsks(Self.question()) else { Issue.record("not paused"); return }
        #expect(d.subscribers.count == 1)
        guard case .statusUpdate(let u) = d.events.last else { Issue.record("no question"); return }
        #expect(u.isFinal && u.status.state == .inputRequired)
        #expect(d.persist?.status.state == .inputRequired)
        #expect(m.isPaused && m.requestsAnswered && !m.isSettled)
        #expect(m.subscribers.isEmpty)
        let r15 = m.subscribe(Sub())
        #expect(r15 == nil)
        #expect(throws: AgentInputError.alreadyWaiting) { var copy = m; _ = try copy.agentAsks(Self.question()) }
        // Disconnects never cancel a paused run.
        let r16 = m.unsubscribe(sub, disconnected: true)
        #expect(!r16)
        let r17 = m.agentTakesInput()
        #expect(r17 == nil, "the agent waits")
    }

    @Test("while paused, working updates are ignored but chunks are kept; a final state settles")
    func workWhilePaused() throws {
        var m = Self.machine()
        _ = try m.agentAsks(Self.question())
        guard case .ignore(cancelled: false) = m.agentSent(Self.status(.working)) else { Issue.record("not ignored"); return }
        #expect(m.task.status.state == .inputRequired)
        guard case .deliver(let d) = m.agentSent(Self.chunk("partial")) else { Issue.record("not kept"); return }
        #expect(d.subscribers.isEmpty && d.record != nil)
        #expect(m.isPaused)
        guard case .settle = m.agentSent(Self.status(.failed)) else { Issue.record("not settled"); return }
        #expect(!m.isPaused && m.isSettled)
    }

    @Test("the answer resumes the run: history, working, the request attached; the parked agent gets it")
    func resumeWithWaitingAgent() throws {
        var m = Self.machine()
        _ = try m.agentAsks(Self.question())
        let r18 = m.agentTakesInput()
        #expect(r18 == nil)
        let sub = Sub()
        let task = m.resume(with: Self.message("yes"), attachment: .streaming(sub))
        #expect(task?.status.state == .working)
        #expect(task?.history.last?.parts.first?.text == "yes")
        #expect(m.subscribers.count == 1 && m.subscribers[0] === sub)
        #expect(!m.isPaused && !m.requestsAnswered)
        m.answerArrived(Self.message("yes"), agentWaiting: true)
        let r19 = m.agentTakesInput()
        #expect(r19 == nil, "handed to the parked agent, not kept")
        let r20 = m.resume(with: Self.message("again"), attachment: .blocking)
        #expect(r20 == nil, "not paused any more")
    }

    @Test("an answer that arrives before the agent waits is kept for it")
    func answerBeforeWait() throws {
        var m = Self.machine()
        _ = try m.agentAsks(Self.question())
        _ = m.resume(with: Self.message("early"), attachment: .blocking)
        m.answerArrived(Self.message("early"), agentWaiting: false)
        #expect(throws: AgentInputError.alreadyWaiting) { var copy = m; _ = try copy.agentAsks(Self.question()) }
        let r21 = m.agentTakesInput()
        #expect(r21 == .answer(Self.message("early")))
        let r22 = m.agentTakesInput()
        #expect(r22 == nil)
        // Holds taken by the resumed blocking request keep the run alive on a disconnect.
        let s = Sub()
        _ = m.subscribe(s)
        let r23 = m.unsubscribe(s, disconnected: true)
        #expect(!r23)
    }

    @Test("no answer in time: the run is working again and the agent's wait fails")
    func inputTimeout() throws {
        var m = Self.machine()
        _ = try m.agentAsks(Self.question())
        m.inputTimedOut()
        #expect(!m.isPaused)
        let r24 = m.resume(with: Self.message("late"), attachment: .blocking)
        #expect(r24 == nil, "too late")
        let r25 = m.agentTakesInput()
        #expect(r25 == .expired)
        let r26 = m.agentTakesInput()
        #expect(r26 == nil)
    }

    @Test("a timeout racing an answer that came in just now changes nothing")
    func timeoutAfterAnswer() throws {
        var m = Self.machine()
        _ = try m.agentAsks(Self.question())
        _ = m.resume(with: Self.message("just in time"), attachment: .detached)
        m.inputTimedOut()
        m.answerArrived(Self.message("just in time"), agentWaiting: false)
        let r27 = m.agentTakesInput()
        #expect(r27 == .answer(Self.message("just in time")))
        // Detached by the resuming request: the last disconnect does not cancel.
        let s = Sub()
        _ = m.subscribe(s)
        let r28 = m.unsubscribe(s, disconnected: true)
        #expect(!r28)
    }

    @Test("cancelling a paused run settles it and ends the agent's wait")
    func cancelWhilePaused() throws {
        var m = Self.machine()
        _ = try m.agentAsks(Self.question())
        let r29 = m.settle(TaskStatus(state: .canceled), cancelled: true)
        #expect(r29 != nil)
        #expect(!m.isPaused && m.isSettled && !m.requestsAnswered)
        let r30 = m.agentTakesInput()
        #expect(r30 == .ended)
        let r31 = m.resume(with: Self.message("x"), attachment: .blocking)
        #expect(r31 == nil)
        _ = m.released()
        #expect(m.requestsAnswered)
    }

    @Test("asking after the run settled is ignored (the agent is told whether it was cancelled)")
    func askAfterSettled() throws {
        var m = Self.machine()
        _ = m.agentSent(Self.status(.completed))
        guard case .ignore(cancelled: false) = try m.agentAsks(Self.question()) else { Issue.record("not ignored"); return }
        var c = Self.machine()
        _ = c.settle(TaskStatus(state: .canceled), cancelled: true)
        guard case .ignore(cancelled: true) = try c.agentAsks(Self.question()) else { Issue.record("not ignored"); return }
    }
}
