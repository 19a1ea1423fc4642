import A2A
@testable import A2AClient
import Foundation
import PeerSupport
import Testing

/// Our client against real Python peers on 127.0.0.1: a2a-sdk 1.3.0 (1.0, and with its 0.3
/// compat layer), a2a-sdk 0.3.26, and python-a2a 0.5.10.
@Suite("Client interop with real peers", .timeLimit(.minutes(5)))
struct InteropTests {
    static let agentPeers: [PeerKind] = [.sdk13, .sdk13Compat, .sdk03, .pythonA2A]
    static let sdkPeers: [PeerKind] = [.sdk13, .sdk13Compat, .sdk03]

    static func expectedDialect(_ kind: PeerKind) -> ProtocolDialect {
        switch kind {
        case .sdk13, .sdk13Compat: .v1_0
        case .sdk03: .v0_3
        default: .pythonA2A
        }
    }

    func client(_ peer: Peer, dialect: ProtocolDialect? = nil, idle: Duration = .seconds(30)) -> A2AClient {
        A2AClient(url: peer.url, configuration: .init(dialect: dialect, idleTimeout: idle))
    }

    /// Collects a stream's text and final state.
    func collect(_ stream: A2AEventStream) async throws -> (text: String, states: [TaskState], events: [StreamResponse]) {
        var tracker = ArtifactTextTracker()
        var text = ""
        var states: [TaskState] = []
        var events: [StreamResponse] = []
        for try await event in stream {
            events.append(event)
            text += tracker.newText(in: event)
            if let s = event.state { states.append(s) }
        }
        return (text, states, events)
    }

    @Test("the card is found and the right dialect chosen", arguments: agentPeers)
    func cardAndDialect(kind: PeerKind) async throws {
        let peer = try await SharedPeers.shared.peer(kind)
        let found = try await client(peer).discover()
        #expect(found.endpoint.dialect == Self.expectedDialect(kind))
        #expect(found.card.capabilities.streaming == true)
        if kind == .sdk13Compat {
            #expect(found.card.supportedInterfaces.map(\.protocolVersion) == ["1.0", "0.3"])
        }
        if kind == .pythonA2A { #expect(found.card.isPythonA2A) }
    }

    @Test("a stream delivers the right text and ends completed", arguments: agentPeers)
    func streamsText(kind: PeerKind) async throws {
        let peer = try await SharedPeers.shared.peer(kind)
        let result = try await collect(client(peer).stream(.user("alpha beta gamma")))
        #expect(result.text == "alpha beta gamma ")
        #expect(result.states.last == .completed)
    }

    @Test("the 0.3 dialect can be forced on a hybrid 1.0 agent")
    func forcedDialect() async throws {
        let peer = try await SharedPeers.shared.peer(.sdk13Compat)
        let agent = client(peer, dialect: .v0_3)
        #expect(try await agent.endpoint().dialect == .v0_3)
        let result = try await collect(agent.stream(.user("via zero three")))
        #expect(result.text == "via zero three ")
        #expect(result.states.last == .completed)
    }

    @Test("a 1.0 call to a 0.3-only agent falls back to 0.3 before any output")
    func fallbackToV03() async throws {
        let peer = try await SharedPeers.shared.peer(.sdk03)
        // Pretend the card said 1.0: pin nothing, but start from a 1.0 endpoint by asking the
        // compat question directly: a 1.0 method on sdk03 is answered -32601.
        let agent = A2AClient(url: peer.url)
        let card = try await agent.card()
        #expect(A2AEndpoint.choose(from: card, forced: nil, fallbackURL: peer.url)?.dialect == .v0_3)
        let fallback = await agent.fallback(
            after: A2AClientError(url: peer.url, method: "SendMessage", kind: .rpc(JSONRPCError(code: -32601, message: "Method not found"))),
            from: A2AEndpoint(url: card.supportedInterfaces[0].url, dialect: .v1_0))
        #expect(fallback?.dialect == .v0_3)
        // And for real: a pinned 1.0 call gets -32601 from sdk03, as a2a-wire.md §1.4 captured.
        let pinned = A2AClient(url: peer.url, configuration: .init(dialect: .v1_0))
        let error = await #expect(throws: A2AClientError.self) { _ = try await pinned.send(.user("x")) }
        #expect(error?.rpcError?.code == JSONRPCError.methodNotFoundCode)
    }

    @Test("the first chunk reaches the caller before the agent has finished", arguments: agentPeers)
    func firstChunkArrivesEarly(kind: PeerKind) async throws {
        let peer = try await SharedPeers.shared.peer(kind)
        let agent = client(peer)
        // The peer holds after its first word until the gate file exists, so "before the
        // agent has finished" is a fact of the peer's state, not a matter of timing: if the
        // first chunk were buffered, it would arrive only after the peer passed the gate
        // (released, or timed out after 60 s), and the peer's ".passed" file would say so.
        let gate = FileManager.default.temporaryDirectory.appendingPathComponent("gate-\(UUID().uuidString)")
        defer {
            try? FileManager.default.removeItem(at: gate)
            try? FileManager.default.removeItem(at: gate.appendingPathExtension("passed"))
        }
        var text = ""
        var tracker = ArtifactTextTracker()
        var taskId: String?
        var released = false
        for try await event in agent.stream(.user("gate:\(gate.path) one two three four")) {
            if let id = event.taskId, !id.isEmpty { taskId = id }
            let delta = tracker.newText(in: event)
            if !delta.isEmpty, !released {
                #expect(delta == "one ")
                #expect(!FileManager.default.fileExists(atPath: gate.path + ".passed"), "the peer had already passed its gate")
                if kind != .pythonA2A, let taskId {
                    // The agent's own state: still working, holding the rest.
                    let snapshot = try await agent.getTask(id: taskId)
                    #expect(snapshot.status.state == .working)
                    #expect(snapshot.artifactText == "one ")
                }
                FileManager.default.createFile(atPath: gate.path, contents: Data())
                released = true
            }
            text += delta
        }
        #expect(text == "one two three four ")
        let passed = try String(contentsOf: gate.appendingPathExtension("passed"), encoding: .utf8)
        #expect(passed == "released\n", "the peer's gate: \(passed)")
    }

    @Test("getTask and cancelTask work on a running task", arguments: sdkPeers)
    func getAndCancel(kind: PeerKind) async throws {
        let peer = try await SharedPeers.shared.peer(kind)
        let agent = client(peer)
        var taskId: String?
        var sawCanceled = false
        do {
            for try await event in agent.stream(.user("long")) {
                if taskId == nil, let id = event.taskId, !id.isEmpty, case .artifactUpdate = event {
                    taskId = id
                    let running = try await agent.getTask(id: id)
                    #expect(running.status.state == .working)
                    let canceled = try await agent.cancelTask(id: id)
                    #expect(canceled.id == id)
                    // a2a-sdk 0.3.26 races its own cancel: the stream either ends abruptly or
                    // stays open for ever, kept alive by sse-starlette's pings (that hung this
                    // test until its time limit one run in a few). What matters is the task's
                    // state at the agent, checked below; stop reading here.
                    if kind == .sdk03 { break }
                }
                if event.state == .canceled { sawCanceled = true }
            }
        } catch let error as A2AClientError {
            // sdk03 ends the stream abruptly on cancel (Tests/PeerSupport/README.md).
            guard kind == .sdk03, case .connectionLost = error.kind else { throw error }
        }
        let id = try #require(taskId)
        let after = try await agent.getTask(id: id)
        #expect(after.status.state == .canceled)
        #expect(SharedPeers.shared.cancelledTaskIds().contains(id), "the peer itself recorded the cancel")
        if kind != .sdk03 { #expect(sawCanceled) }
        // Cancelling a finished task is refused with -32002.
        let error = await #expect(throws: A2AClientError.self) { _ = try await agent.cancelTask(id: id) }
        #expect(error?.rpcError?.code == JSONRPCError.taskNotCancelableCode)
    }

    @Test("an unknown task id is a clear task-not-found error", arguments: sdkPeers)
    func unknownTask(kind: PeerKind) async throws {
        let peer = try await SharedPeers.shared.peer(kind)
        let error = await #expect(throws: A2AClientError.self) { _ = try await client(peer).getTask(id: "no-such-task") }
        #expect(error?.rpcError?.code == JSONRPCError.taskNotFoundCode)
        #expect(error?.description.contains(peer.url) == true)
        #expect(error?.description.contains(kind == .sdk03 ? "tasks/get" : "GetTask") == true)
    }

    @Test("a blocking send returns the completed task", arguments: agentPeers)
    func blockingSend(kind: PeerKind) async throws {
        let peer = try await SharedPeers.shared.peer(kind)
        let result = try await client(peer).send(.user("blocking send"))
        guard case .task(let task) = result else {
            Issue.record("expected a task, got \(result)")
            return
        }
        #expect(task.status.state == .completed)
        // python-a2a's tasks/send upper-cases (its handle_task), the SDK peers echo.
        #expect(task.artifactText == (kind == .pythonA2A ? "BLOCKING SEND" : "blocking send "))
        if kind == .pythonA2A {
            // Its tasks are kept: getTask reads it back.
            let again = try await client(peer).getTask(id: task.id)
            #expect(again.artifactText == "BLOCKING SEND")
        }
    }

    @Test("an agent that answers with a message, not a task", arguments: sdkPeers)
    func messageReply(kind: PeerKind) async throws {
        let peer = try await SharedPeers.shared.peer(kind)
        let result = try await collect(client(peer).stream(.user("message")))
        #expect(result.text == "Direct message response")
        guard case .message(let m)? = result.events.last else {
            Issue.record("expected a message event")
            return
        }
        #expect(m.role == .agent)
    }

    @Test("input-required, then a follow-up on the same task", arguments: sdkPeers)
    func inputRequired(kind: PeerKind) async throws {
        let peer = try await SharedPeers.shared.peer(kind)
        let agent = client(peer)
        var taskId: String?
        var contextId: String?
        var question: String?
        for try await event in agent.stream(.user("ask")) {
            switch event {
            case .task(let t): taskId = t.id; contextId = t.contextId
            case .statusUpdate(let u):
                taskId = u.taskId; contextId = u.contextId
                if u.status.state == .inputRequired { question = u.status.message?.text }
            default: break
            }
        }
        #expect(question == "Which topic?")
        guard let taskId else {
            Issue.record("the stream named no task")
            return
        }
        let reply = try await collect(agent.stream(.user("swift", taskId: taskId, contextId: contextId)))
        #expect(reply.text == "You said: swift ")
        #expect(reply.states.last == .completed)
    }

    @Test("an agent error mid-stream surfaces as a clear error", arguments: sdkPeers)
    func agentErrorMidStream(kind: PeerKind) async throws {
        let peer = try await SharedPeers.shared.peer(kind)
        let agent = client(peer)
        var text = ""
        var tracker = ArtifactTextTracker()
        let error = await #expect(throws: A2AClientError.self) {
            for try await event in agent.stream(.user("fail:boom")) { text += tracker.newText(in: event) }
        }
        // sdk03 loses events queued just before the exception when it is slow (under load the
        // peer's one chunk may never be sent: Tests/PeerSupport/README.md).
        #expect(text == "partial " || (kind == .sdk03 && text.isEmpty), "\(text)")
        switch error?.kind {
        case .streamError(let message, _)?:
            #expect(kind != .sdk03)
            #expect(message.contains("boom") || message.lowercased().contains("error"))
        case .connectionLost?:
            // sdk03 swallows the exception and cuts the body (a2a-wire.md §9 quirks).
            #expect(kind == .sdk03)
        default:
            Issue.record("unexpected error \(String(describing: error))")
        }
    }

    @Test("python-a2a: getTask and cancelTask on its tasks/send tasks")
    func pythonA2AGetAndCancel() async throws {
        let peer = try await SharedPeers.shared.peer(.pythonA2A)
        let agent = client(peer)
        guard case .task(let task) = try await agent.send(.user("keep me")) else {
            Issue.record("expected a task")
            return
        }
        #expect(try await agent.getTask(id: task.id).artifactText == "KEEP ME")
        // python-a2a cancels any task it knows, even a completed one (a2a-wire.md §8.2).
        let canceled = try await agent.cancelTask(id: task.id)
        #expect(canceled.status.state == .canceled)
        #expect(try await agent.getTask(id: task.id).status.state == .canceled)
        // An unknown id is HTTP 404 with a JSON-RPC error body; the client reports the error.
        let error = await #expect(throws: A2AClientError.self) { _ = try await agent.getTask(id: "nope") }
        #expect(error?.rpcError != nil)
        #expect(error?.description.contains("tasks/get") == true)
    }

    @Test("python-a2a: a failing task is reported failed with its message")
    func pythonA2AFailure() async throws {
        let peer = try await SharedPeers.shared.peer(.pythonA2A)
        let result = try await client(peer).send(.user("fail"))
        guard case .task(let task) = result else {
            Issue.record("expected a task")
            return
        }
        #expect(task.status.state == .failed)
        #expect(task.status.message?.text.isEmpty == false)
    }

    /// a2a-sdk 0.3.26 re-attach quirks: `tasks/resubscribe` sends no task snapshot first, and
    /// once a second consumer listens, every later chunk is applied to the stored task twice,
    /// so `tasks/get` returns doubled text. That is why a2a-pipe follows tasks on 0.3 agents by
    /// polling `GetTask` instead (docs/interop.md).
    @Test("a2a-sdk 0.3.26 resubscribe: no snapshot, and chunks stored twice (peer bugs, proven)")
    func sdk03ResubscribeDuplicatesStoredParts() async throws {
        let peer = try await SharedPeers.shared.peer(.sdk03)
        let agent = client(peer)
        // The peer holds after w1 until the gate file exists, so the first chunk is stored and
        // nothing else is produced while we attach. After the gate, 1 s between words gives the
        // subscription a generous, bounded window to attach before the task ends.
        let gate = FileManager.default.temporaryDirectory.appendingPathComponent("gate-\(UUID().uuidString)")
        defer {
            try? FileManager.default.removeItem(at: gate)
            try? FileManager.default.removeItem(at: gate.appendingPathExtension("passed"))
        }
        guard case .task(let started) = try await agent.send(.user("gate:\(gate.path) slow:1.0 w1 w2 w3 w4 w5 w6"), configuration: .init(returnImmediately: true)) else {
            Issue.record("expected a task")
            return
        }
        // Bounded polling for the first stored chunk: the peer cannot move on without us.
        var polls = 0
        while try await agent.getTask(id: started.id).artifacts.flatMap(\.parts).isEmpty {
            polls += 1
            try #require(polls < 1500, "the first chunk never arrived")
            try await Task.sleep(for: .milliseconds(20))
        }
        let subscription = agent.subscribe(taskId: started.id)
        FileManager.default.createFile(atPath: gate.path, contents: Data())
        var streamed = ArtifactTextTracker()
        var streamedText = ""
        for try await event in subscription { streamedText += streamed.newText(in: event) }
        // No snapshot first: what was produced before the re-attach (at least "w1 ") is not
        // replayed; the stream carries only the last m words.
        let all = ["w1 ", "w2 ", "w3 ", "w4 ", "w5 ", "w6 "]
        let m = streamedText.split(separator: " ").count
        #expect(m >= 1 && m < all.count)
        #expect(streamedText == all.suffix(m).joined())
        // Every word produced while the second consumer listened is stored twice.
        let stored = try await agent.getTask(id: started.id)
        #expect(stored.status.state == .completed)
        let expected = Array(all.prefix(all.count - m)) + all.suffix(m).flatMap { [$0, $0] }
        #expect(stored.artifacts.flatMap(\.parts).compactMap(\.text) == expected)
    }

    @Test("python-a2a: progress in a dict chunk becomes numeric progress metadata")
    func pythonA2AProgress() async throws {
        let peer = try await SharedPeers.shared.peer(.pythonA2A)
        let result = try await collect(client(peer).stream(.user("w1 w2 w3 w4")))
        #expect(result.text == "w1 w2 w3 w4 ")
        let progress = result.events.compactMap { event -> Double? in
            if case .artifactUpdate(let u) = event { return u.metadata?["progress"]?.doubleValue }
            return nil
        }
        #expect(progress == [0.5])  // the peer's second chunk carries progress 2/4
    }
}
