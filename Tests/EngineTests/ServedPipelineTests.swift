import A2A
import Logging
import A2AClient
import A2APipe
import A2AServer
import Foundation
import PeerSupport
import Synchronization
import Testing

/// A pipeline served in-process as one A2A agent (`PipelineAgent` behind an `A2AServer` on a
/// free port), driven with our own A2A 1.0 client: cancel reaching the remote peer, 100
/// concurrent runs, and subscribe + GetTask + ListTasks.
@Suite(.timeLimit(.minutes(3)))
struct ServedPipelineTests {
    /// Serves `plan` on 127.0.0.1 (port 0) for the duration of `body`, which gets the URL.
    func withServedPipeline<T>(
        _ plan: Plan, configuration: EngineConfiguration = TestAgents.configuration(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (String) async throws -> T
    ) async throws -> T {
        let server = A2AServer(
            agent: PipelineAgent(plan: plan, configuration: configuration), card: plan.agentCard,
            configuration: A2AServerConfiguration(host: "127.0.0.1", port: 0), logger: quietServerLogger)
        return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.waitUntilRunning()
            let result = try await body("http://127.0.0.1:\(port)/")
            group.cancelAll()
            return result
        }
    }

    /// Polls `condition` every 50 ms until it holds, at most `timeout`; returns whether it held.
    func eventually(_ timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    /// The progress extension's payload in a status update (event or status message metadata),
    /// or in a task snapshot's status message (the first event of a subscription).
    static func progressPayload(_ event: StreamResponse) -> JSONValue? {
        switch event {
        case .statusUpdate(let update):
            update.metadata?[ProgressMetadata.extensionURI] ?? update.status.message?.metadata?[ProgressMetadata.extensionURI]
        case .task(let task):
            task.status.message?.metadata?[ProgressMetadata.extensionURI]
        default:
            nil
        }
    }

    /// The state the payload gives `stage`.
    static func state(of stage: String, in payload: JSONValue) -> String? {
        payload["stages"]?.arrayValue?.first { $0["id"]?.stringValue == stage }?["state"]?.stringValue
    }

    // MARK: 1. Cancel reaches the remote peer

    /// CancelTask on a served run whose first stage is a real a2a-sdk 1.3.0 peer running its
    /// 60 s `long` task: the served task ends `canceled`, and the peer's own task is cancelled
    /// (the peer logs its id in PEER_CANCEL_LOG).
    @Test func cancelReachesTheRemotePeer() async throws {
        let cancelLog = FileManager.default.temporaryDirectory.appendingPathComponent("served-cancel-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: cancelLog) }
        try await withPeer(.sdk13, environment: ["PEER_CANCEL_LOG": cancelLog.path]) { peer in
            let plan = try loadPlan("""
                name: served-cancel
                agents:
                  peer: { url: "\(peer.url)" }
                  echo: { builtin: echo }
                stages:
                  - id: remote
                    agent: peer
                  - id: after
                    agent: echo
                    input: "{{ stages.remote.output }}"
                output: after
                """)
            try await withServedPipeline(plan) { url in
                let client = A2AClient(url: url)
                guard case .task(let started) = try await client.send(.user("long"), configuration: SendConfiguration(returnImmediately: true)) else {
                    Issue.record("expected a task")
                    return
                }
                // Follow the run until its progress says the remote stage is running (the
                // snapshot that opens the subscription carries the latest payload too).
                var sawRunning = false
                for try await event in client.subscribe(taskId: started.id) {
                    if let payload = Self.progressPayload(event), Self.state(of: "remote", in: payload) == "running" {
                        sawRunning = true
                        break  // a detached task is not cancelled by its subscriber leaving
                    }
                    if event.state?.endsStream == true { break }
                }
                try #require(sawRunning, "the remote stage never showed as running")

                // Then the peer itself has a working task.
                let peerClient = A2AClient(url: peer.url)
                var peerTaskId: String?
                let peerWorking = try await eventually {
                    peerTaskId = try await peerClient.listTasks().tasks.first { $0.status.state == .working }?.id
                    return peerTaskId != nil
                }
                try #require(peerWorking, "the peer never had a working task")
                let peerTask = try #require(peerTaskId)

                // Cancel the served task.
                let canceled = try await client.cancelTask(id: started.id)
                #expect(canceled.status.state == .canceled)
                #expect(try await eventually { try await client.getTask(id: started.id).status.state == .canceled })

                // The cancel reached the peer.
                let logged = try await eventually {
                    ((try? String(contentsOf: cancelLog, encoding: .utf8)) ?? "").contains(peerTask)
                }
                #expect(logged, "PEER_CANCEL_LOG lacks the peer task \(peerTask)")
                #expect(try await eventually {
                    try await peerClient.getTask(id: peerTask).status.state == .canceled
                })
            }
        }
    }

    // MARK: 1b. Input required, through the served pipeline and back

    /// A served pipeline whose first stage is a real a2a-sdk 1.3.0 peer that asks "Which
    /// topic?" (`ask`). The real a2a-sdk 1.3.0 client streams the served pipeline, sees the
    /// served task go input-required with that stage's question, answers on the same task,
    /// and gets the rest: the answer reached the peer's same task (the peer has one task, and
    /// its follow-up path answered), the run ends completed, and the joined artifact text is
    /// what the engine gives when its hook answers the same.
    @Test func inputRequiredThroughTheServedPipelineAndBack() async throws {
        try await withPeer(.sdk13) { peer in
            let plan = try loadPlan("""
                name: served-ask
                agents:
                  peer: { url: "\(peer.url)" }
                  echo: { builtin: echo }
                stages:
                  - id: remote
                    agent: peer
                  - id: after
                    agent: echo
                    input: "[{{ stages.remote.output }}]"
                output: after
                """)
            let expected = "[You said: robots ]"
            try await withServedPipeline(plan) { url in
                let r = try await runPythonClient(
                    script: "sdk13_client.py", venv: .sdk13, arguments: [url, "ask", "--follow-up", "robots", "--timeout", "60"],
                    timeout: .seconds(120))
                try #require(r.exitCode == 0, "client failed: \(r.stdout)\n\(r.stderr)")
                let events = r.stdout.split(separator: "\n").compactMap { try? JSONParser().parse(String($0)) }
                func state(_ e: JSONValue) -> String? { (e["statusUpdate"] ?? e["task"])?["status"]?["state"]?.stringValue }
                let question = try #require(events.firstIndex { state($0) == "TASK_STATE_INPUT_REQUIRED" }, "no input-required in \(r.stdout)")
                let asked = events[question]["statusUpdate"]?["status"]?["message"]?["parts"]?.arrayValue?.first?["text"]?.stringValue
                #expect(asked == "remote: Which topic?")
                let served = try #require((events[question]["statusUpdate"] ?? events[question]["task"])?["taskId"]?.stringValue
                    ?? events[question]["task"]?["id"]?.stringValue)
                // After the answer: the same served task, on to completed.
                let after = events[(question + 1)...]
                #expect(after.first?["task"]?["id"]?.stringValue == served)
                #expect(state(events.last ?? .null) == "TASK_STATE_COMPLETED")
                let text = events.compactMap { $0["artifactUpdate"]?["artifact"]?["parts"]?.arrayValue }
                    .flatMap { $0 }.compactMap { $0["text"]?.stringValue }.joined()
                #expect(text == expected)

                // The peer has exactly one task: the answer went to the task that asked.
                let peerTasks = try await A2AClient(url: peer.url).listTasks().tasks
                #expect(peerTasks.count == 1)
                #expect(peerTasks.first?.status.state == .completed)
                #expect(peerTasks.first?.history.contains { $0.role == .user && $0.text == "robots" } == true)

                let task = try await A2AClient(url: url).getTask(id: served)
                #expect(task.status.state == .completed)
                #expect(task.artifactText == expected)
            }
            // The same text as a run whose hook answers the same.
            var configuration = TestAgents.configuration()
            configuration.onInputRequired = { request in
                #expect(request.stage == "remote" && request.question == "Which topic?")
                return "robots"
            }
            let result = try await Engine(plan: plan, configuration: configuration).run(input: "ask", sink: EventLog())
            #expect(result.output == expected)
        }
    }

    /// The same with the real a2a-sdk 0.3.26 client (A2A 0.3 methods and shapes).
    @Test func inputRequiredWithTheSDK03Client() async throws {
        try await withPeer(.sdk13) { peer in
            let plan = try loadPlan("""
                name: served-ask-03
                agents:
                  peer: { url: "\(peer.url)" }
                stages:
                  - id: remote
                    agent: peer
                """)
            try await withServedPipeline(plan) { url in
                let r = try await runPythonClient(
                    script: "sdk03_client.py", venv: .sdk03, arguments: [url, "ask", "--follow-up", "cats", "--timeout", "60"],
                    timeout: .seconds(120))
                try #require(r.exitCode == 0, "client failed: \(r.stdout)\n\(r.stderr)")
                let events = r.stdout.split(separator: "\n").compactMap { try? JSONParser().parse(String($0)) }
                let states = events.compactMap { $0["status"]?["state"]?.stringValue }
                let question = try #require(events.first { $0["kind"] == "status-update" && $0["status"]?["state"] == "input-required" }, "\(r.stdout)")
                #expect(question["status"]?["message"]?["parts"]?.arrayValue?.first?["text"] == "remote: Which topic?")
                #expect(states.last == "completed")
                let text = events.filter { $0["kind"] == "artifact-update" }
                    .compactMap { $0["artifact"]?["parts"]?.arrayValue }.flatMap { $0 }
                    .compactMap { $0["text"]?.stringValue }.joined()
                #expect(text == "You said: cats ")
                let ids = Set(events.compactMap { $0["kind"] == "task" ? $0["id"]?.stringValue : $0["taskId"]?.stringValue })
                #expect(ids.count == 1, "one served task throughout: \(ids)")
            }
        }
    }

    // MARK: 2. Load

    /// 100 concurrent runs through one served pipeline of built-in agents, each streamed by
    /// our client: every run completes with exactly its expected output.
    @Test func hundredConcurrentRuns() async throws {
        let plan = try loadPlan("""
            name: served-load
            agents:
              echo: { builtin: echo }
              words: { builtin: words, with: { delay: 1ms } }
            stages:
              - id: lines
                agent: echo
              - id: each
                agent: words
                for_each: { from: lines }
                concurrency: 2
            output: each
            """)
        let configuration = TestAgents.configuration()
        let input: @Sendable (Int) -> String = { i in "run \(i) alpha beta\ngamma \(i) delta\nepsilon zeta \(i)" }
        // What each run must print: the same plan run by the engine directly.
        var expected: [String] = []
        for i in 0..<100 {
            let result = try await Engine(plan: plan, configuration: configuration).run(input: input(i), sink: ClosurePipelineEventSink { _ in })
            expected.append(try #require(result.output))
        }
        #expect(expected[7] == "run 7 alpha beta\ngamma 7 delta\nepsilon zeta 7\n")

        try await withServedPipeline(plan, configuration: configuration) { url in
            let client = A2AClient(url: url)
            let outcomes = try await withThrowingTaskGroup(of: (Int, String, TaskState?).self) { group in
                for i in 0..<100 {
                    group.addTask {
                        var tracker = ArtifactTextTracker()
                        var text = ""
                        var last: TaskState?
                        for try await event in client.stream(.user(input(i))) {
                            text += tracker.newText(in: event)
                            if let state = event.state { last = state }
                        }
                        return (i, text, last)
                    }
                }
                var all: [(Int, String, TaskState?)] = []
                for try await outcome in group { all.append(outcome) }
                return all
            }
            #expect(outcomes.count == 100)
            for (i, text, last) in outcomes {
                #expect(last == .completed, "run \(i) ended \(String(describing: last))")
                #expect(text == expected[i], "run \(i)")
            }
            let list = try await client.listTasks(ListTasksQuery(pageSize: 100))
            #expect(list.tasks.count == 100)
            #expect(list.tasks.allSatisfy { $0.status.state == .completed })
        }
    }

    // MARK: 3. Subscribe, GetTask, ListTasks

    /// A second client subscribes to a running run as soon as the first client saw its first
    /// event: it gets the snapshot, then the live updates, and the same text. Afterwards
    /// GetTask has the output artifact and the final progress payload (progress 1) in the
    /// status message metadata; ListTasks lists the runs.
    @Test func subscribeGetAndList() async throws {
        // The run holds after its first word until the second client is attached (its first
        // event, the snapshot, has arrived): attached mid-run for certain, not by timing.
        let gate = FileManager.default.temporaryDirectory.appendingPathComponent("gate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: gate) }
        let plan = try loadPlan("""
            name: served-slow
            agents:
              words: { builtin: gated, with: { gate: "\(gate.path)" } }
            stages:
              - id: slow
                agent: words
            """)
        let input = (1...20).map { "word\($0)" }.joined(separator: " ")
        try await withServedPipeline(plan) { url in
            let first = A2AClient(url: url)
            let second = A2AClient(url: url)
            let (idStream, idContinuation) = AsyncStream<String>.makeStream()
            let results = try await withThrowingTaskGroup(of: (String, String, [StreamResponse]).self) { group in
                group.addTask {
                    var tracker = ArtifactTextTracker()
                    var text = ""
                    var events: [StreamResponse] = []
                    for try await event in first.stream(.user(input)) {
                        if events.isEmpty, let id = event.taskId { idContinuation.yield(id) }
                        events.append(event)
                        text += tracker.newText(in: event)
                    }
                    idContinuation.finish()
                    return ("first", text, events)
                }
                var ids = idStream.makeAsyncIterator()
                let taskId = try #require(await ids.next())
                group.addTask {
                    var tracker = ArtifactTextTracker()
                    var text = ""
                    var events: [StreamResponse] = []
                    for try await event in second.subscribe(taskId: taskId) {
                        if events.isEmpty { FileManager.default.createFile(atPath: gate.path, contents: Data()) }
                        events.append(event)
                        text += tracker.newText(in: event)
                    }
                    return ("second", text, events)
                }
                var all: [String: (String, [StreamResponse])] = [:]
                for try await (who, text, events) in group { all[who] = (text, events) }
                return all
            }
            let (firstText, firstEvents) = try #require(results["first"])
            let (secondText, secondEvents) = try #require(results["second"])
            #expect(firstText == input)
            #expect(secondText == firstText)
            // The subscriber's first event is a snapshot of the running task, then live updates.
            guard case .task(let snapshot) = secondEvents.first else {
                Issue.record("first subscribe event: \(String(describing: secondEvents.first))")
                return
            }
            #expect(!snapshot.status.state.isTerminal)
            #expect(secondEvents.dropFirst().contains { if case .artifactUpdate = $0 { true } else { false } })
            #expect(secondEvents.last?.state == .completed)
            #expect(firstEvents.last?.state == .completed)
            let taskId = snapshot.id

            // GetTask after completion: the output artifact and the final progress payload.
            let task = try await first.getTask(id: taskId)
            #expect(task.status.state == .completed)
            #expect(task.artifacts.map(\.artifactId) == [PipelineAgent.outputArtifactId])
            #expect(task.artifactText == input)
            let payload = task.status.message?.metadata?[ProgressMetadata.extensionURI]
            #expect(payload?["progress"]?.doubleValue == 1, "status message metadata: \(String(describing: task.status.message?.metadata))")
            #expect(payload.flatMap { Self.state(of: "slow", in: $0) } == "completed")

            // A second run, then ListTasks lists both, newest first.
            guard case .task(let other) = try await first.send(.user("one more")) else {
                Issue.record("expected a task")
                return
            }
            #expect(other.status.state == .completed)
            let list = try await second.listTasks()
            #expect(list.tasks.map(\.id) == [other.id, taskId])
        }
    }
}

/// In-process servers in tests are stopped by cancellation, which Hummingbird logs as an error
/// ("Waiting on child channel: CancellationError()"); a passing suite stays quiet.
let quietServerLogger: Logger = {
    var logger = Logger(label: "test.server")
    logger.logLevel = .critical
    return logger
}()
