import Logging
import A2A
import A2AClient
import A2AServer
import BuiltinAgents
import Foundation
import Testing

/// Framing, card, keep-alive, blocking and non-blocking sends, multi-turn, listing, fan-out.
@Suite("Streaming and tasks")
struct StreamingTests {
    @Test func sseIsLFOnlyWithHeadersAndTaskFirst() async throws {
        try await withBuiltin("words", settings: ["delay": "0ms"]) { _, url in
            let r = try await post(url + "/", rpc("SendStreamingMessage", ["message": message10("one two three")]), headers: v1)
            #expect(r.contentType.hasPrefix("text/event-stream"))
            #expect(r.headers.first(name: "cache-control") == "no-cache")
            #expect(r.headers.first(name: "x-accel-buffering") == "no")
            #expect(!r.body.contains("\r"))
            let results = r.events.compactMap { $0["result"] }
            #expect(results.first?["task"] != nil)
            #expect(artifactText(results) == "one two three")
            let chunks = results.compactMap { $0["artifactUpdate"] }
            #expect(chunks.count == 3)
            #expect(chunks.first?["append"] == nil)
            #expect(chunks.dropFirst().allSatisfy { $0["append"] == true })
            #expect(chunks.last?["lastChunk"] == true)
            #expect(chunks.dropLast().allSatisfy { $0["lastChunk"] == nil })
            #expect(results.last?["statusUpdate"]?["status"]?["state"] == "TASK_STATE_COMPLETED")
        }
    }

    @Test func v03StreamsHaveKindsExplicitBooleansAndFinalLast() async throws {
        try await withBuiltin("words", settings: ["delay": "0ms"]) { _, url in
            let r = try await post(url + "/", rpc("message/stream", ["message": message03("a b")], id: "s2"))
            let results = r.events.compactMap { $0["result"] }
            #expect(r.events.allSatisfy { $0["id"] == "s2" })
            #expect(results.first?["kind"] == "task")
            let statuses = results.filter { $0["kind"] == "status-update" }
            #expect(statuses.dropLast().allSatisfy { $0["final"] == false })
            #expect(statuses.last?["final"] == true)
            let chunks = results.filter { $0["kind"] == "artifact-update" }
            #expect(chunks.map { $0["append"] } == [false, true])
            #expect(chunks.map { $0["lastChunk"] } == [false, true])
        }
    }

    @Test func keepAliveCommentsFlowDuringSilence() async throws {
        let configuration = A2AServerConfiguration(keepAliveInterval: .milliseconds(50))
        try await withBuiltin("progress", settings: ["steps": "1", "delay": "400ms"], configuration: configuration) { _, url in
            let r = try await post(url + "/", rpc("SendStreamingMessage", ["message": message10("x")]), headers: v1)
            #expect(r.body.contains(": keep-alive\n\n"))
            #expect(r.events.last?["result"]?["statusUpdate"]?["status"]?["state"] == "TASK_STATE_COMPLETED")
        }
    }

    @Test func hybridCardWithETagAndCaching() async throws {
        try await withBuiltin("echo") { _, url in
            var etags: Set<String> = []
            for path in ["/.well-known/agent-card.json", "/.well-known/agent.json", "/agent.json", "/a2a/agent.json"] {
                let r = try await post(url + path, "", method: .GET)
                #expect(r.status == 200)
                #expect(r.headers.first(name: "cache-control") == "public, max-age=300")
                let etag = try #require(r.headers.first(name: "etag"))
                #expect(etag.hasPrefix("W/\""))
                etags.insert(etag)
                let interfaces = r.json["supportedInterfaces"]?.arrayValue ?? []
                #expect(interfaces.map { $0["protocolVersion"] } == ["1.0", "0.3"])
                #expect(interfaces.allSatisfy { $0["url"]?.stringValue == url + "/" })
                #expect(r.json["url"]?.stringValue == url + "/")
                #expect(r.json["protocolVersion"] == "0.3")
                #expect(r.json["capabilities"]?["streaming"] == true)
                let card = try WireDecoder.agentCard(r.json)
                #expect(card.supportedInterfaces.first?.generation == .v1_0)
            }
            #expect(etags.count == 1)
            let again = try await post(url + "/.well-known/agent-card.json", "", headers: [("If-None-Match", etags.first!)], method: .GET)
            #expect(again.status == 304)
            #expect(again.body.isEmpty)
        }
    }

    @Test func blockingSendWaitsAndReturnImmediatelyDoesNot() async throws {
        try await withBuiltin("task", settings: ["steps": "3", "delay": "50ms"]) { _, url in
            let blocking = try await post(url + "/", rpc("SendMessage", ["message": message10("data")]), headers: v1)
            #expect(blocking.json["result"]?["task"]?["status"]?["state"] == "TASK_STATE_COMPLETED")
            #expect(blocking.json["result"]?["task"]?["artifacts"]?[0]?["parts"]?[0]?["text"] == "Processed input: data")

            // 0.3 blocking:false.
            let nb = try await post(url + "/", rpc("message/send", ["message": message03("x"), "configuration": ["blocking": false]]))
            #expect(nb.json["result"]?["kind"] == "task")
            #expect(nb.json["result"]?["status"]?["state"] == "submitted")
        }
    }

    @Test func returnImmediatelyThenSubscribeAndGet() async throws {
        let gate = Signal()
        try await withServer(agent: GatedAgent(gate: gate)) { _, url in
            let immediate = try await post(url + "/", rpc("SendMessage", ["message": message10("one two three"), "configuration": ["returnImmediately": true]]), headers: v1)
            let task = try #require(immediate.json["result"]?["task"])
            #expect(task["status"]?["state"] == "TASK_STATE_SUBMITTED")
            let id = try #require(task["id"]?.stringValue)
            // Follow it to the end: the agent waits at the gate until our subscription has its
            // snapshot, so the task is certainly running when we attach.
            let client = A2AClient(url: url, configuration: A2AClientConfiguration(dialect: .v1_0))
            var events: [StreamResponse] = []
            for try await event in client.subscribe(taskId: id) {
                if events.isEmpty { gate.fire() }
                events.append(event)
            }
            guard case .task(let snapshot)? = events.first else {
                Issue.record("the first event of a subscription must be the task")
                return
            }
            #expect(snapshot.id == id)
            #expect(events.last?.state == .completed)
            var aggregated = snapshot
            for event in events.dropFirst() { aggregated.apply(event) }
            #expect(aggregated.artifactText == "one two three")
            let got = try await post(url + "/", rpc("GetTask", ["id": .string(id), "historyLength": 0]), headers: v1)
            #expect(got.json["result"]?["status"]?["state"] == "TASK_STATE_COMPLETED")
            #expect(got.json["result"]?["history"] == nil)
        }
    }

    @Test func multiTurnWithOurClient() async throws {
        try await withBuiltin("echo") { _, url in
            for dialect in [ProtocolDialect.v1_0, .v0_3] {
                let client = A2AClient(url: url, configuration: A2AClientConfiguration(dialect: dialect))
                var task = A2ATask(id: "", contextId: "", status: TaskStatus(state: .unknown))
                for try await event in client.stream(Message.user("")) { task.apply(event) }
                #expect(task.status.state == .inputRequired)
                #expect(task.status.message?.text == "What should I echo?")
                var follow = A2ATask(id: "", contextId: "", status: TaskStatus(state: .unknown))
                for try await event in client.stream(Message.user("now this", taskId: task.id, contextId: task.contextId)) { follow.apply(event) }
                #expect(follow.id == task.id)
                #expect(follow.status.state == .completed)
                #expect(follow.artifactText == "now this")
                let stored = try await client.getTask(id: task.id)
                #expect(stored.history.filter { $0.role == .user }.map(\.text) == ["", "now this"])
            }
        }
    }

    @Test func singleMessageReplies() async throws {
        try await withServer(agent: MessageAgent()) { _, url in
            let r = try await post(url + "/", rpc("SendMessage", ["message": message10("hi")]), headers: v1)
            #expect(r.json["result"]?["message"]?["parts"]?[0]?["text"] == "Direct message response")
            let s = try await post(url + "/", rpc("message/stream", ["message": message03("hi")]))
            #expect(s.events.count == 1)
            #expect(s.events.first?["result"]?["kind"] == "message")
        }
    }

    @Test func listTasksPagesWithACursor() async throws {
        try await withBuiltin("echo") { _, url in
            var ids: [String] = []
            for i in 0..<3 {
                let r = try await post(url + "/", rpc("SendMessage", ["message": message10("m\(i)")]), headers: v1)
                ids.append(try #require(r.json["result"]?["task"]?["id"]?.stringValue))
            }
            var seen: [String] = []
            var token = ""
            repeat {
                let r = try await post(url + "/", rpc("ListTasks", ["pageSize": 1, "pageToken": .string(token)]), headers: v1)
                let result = try #require(r.json["result"])
                #expect(result["totalSize"] == 3)
                #expect(result["pageSize"] == 1)
                seen += (result["tasks"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
                token = result["nextPageToken"]?.stringValue ?? ""
            } while !token.isEmpty && seen.count < 10
            #expect(seen == ids.reversed())
        }
    }

    @Test func severalSubscribersSeeTheSameEvents() async throws {
        let gate = Signal()
        let attached = Countdown(3)
        try await withServer(agent: GatedAgent(gate: gate)) { _, url in
            let client = A2AClient(url: url, configuration: A2AClientConfiguration(dialect: .v1_0))
            let words = (1...10).map { "w\($0)" }.joined(separator: " ")
            let started = try await client.send(Message.user(words), configuration: SendConfiguration(returnImmediately: true))
            guard case .task(let t) = started else { Issue.record("expected a task"); return }
            let texts = try await withThrowingTaskGroup(of: String.self) { group in
                group.addTask {
                    _ = await attached.done.wait(timeout: .seconds(30))
                    gate.fire()
                    return ""
                }
                for _ in 0..<3 {
                    group.addTask {
                        var task = A2ATask(id: "", contextId: "", status: TaskStatus(state: .unknown))
                        var first = true
                        for try await event in client.subscribe(taskId: t.id) {
                            task.apply(event)
                            if first {
                                // Release the agent once all three subscribers have their snapshot.
                                first = false
                                attached.tick()
                            }
                        }
                        #expect(task.status.state == .completed)
                        return task.artifactText
                    }
                }
                var all: [String] = []
                for try await text in group where !text.isEmpty { all.append(text) }
                return all
            }
            #expect(texts == [words, words, words])
        }
    }

    @Test func pythonA2ARoutesWithoutWorkingAndWithDeduplication() async throws {
        let agent = CountingAgent()
        try await withServer(agent: agent) { _, url in
            let body = #"{"content":{"type":"text","text":"hello"},"role":"user","message_id":"dup-1"}"#
            async let a = post(url + "/stream", body)
            async let b = post(url + "/", body)
            let (ra, rb) = try await (a, b)
            #expect(rb.json["content"]?["text"] == "run 1: hello")
            #expect(ra.body.hasPrefix(": SSE stream established\n\n"))
            #expect(ra.events.last?["lastChunk"] == true)
            #expect(ra.events.compactMap { $0["content"]?.stringValue }.joined() == "run 1: hello")
            #expect(agent.runs.withLock { $0 } == 1)

            let rpcBody = #"{"jsonrpc":"2.0","id":5,"method":"tasks/send","params":{"id":"client-task-1","sessionId":"s-1","message":{"content":{"type":"text","text":"again"},"role":"user","message_id":"m-2"}}}"#
            let sent = try await post(url + "/tasks/send", rpcBody)
            #expect(sent.json["id"] == 5)
            #expect(sent.json["result"]?["id"] == "client-task-1")
            #expect(sent.json["result"]?["sessionId"] == "s-1")
            #expect(sent.json["result"]?["status"]?["state"] == "completed")
            #expect(sent.json["result"]?["artifacts"]?[0]?["parts"]?[0]?["type"] == "text")
            let got = try await post(url + "/tasks/get", #"{"jsonrpc":"2.0","id":6,"method":"tasks/get","params":{"id":"client-task-1"}}"#)
            #expect(got.json["result"]?["artifacts"]?[0]?["parts"]?[0]?["text"] == "run 2: again")

            let stream = try await post(url + "/tasks/stream", #"{"id":"t-9","sessionId":"s-9","message":{"role":"user","parts":[{"type":"text","text":"go"}]}}"#)
            #expect(!stream.body.contains("\"working\""))
            #expect(stream.body.contains("event: complete\n"))
            #expect(stream.events.last?["status"]?["state"] == "completed")
            #expect(stream.events.last?["artifacts"]?[0]?["parts"]?[0]?["text"] == "run 3: go")
        }
    }

    /// Twenty python-a2a retries of one `message_id` arriving together start one run; every
    /// request joins it and gets its text.
    @Test func concurrentRetriesOfOneMessageIdStartOneRun() async throws {
        let agent = CountingAgent()
        try await withServer(agent: agent) { _, url in
            let body = #"{"content":{"type":"text","text":"same"},"role":"user","message_id":"dup-race"}"#
            let texts = try await withThrowingTaskGroup(of: String.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        if i % 2 == 0 {
                            let r = try await post(url + "/stream", body)
                            return r.events.compactMap { $0["content"]?.stringValue }.joined()
                        }
                        return try await post(url + "/", body).json["content"]?["text"]?.stringValue ?? ""
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(agent.runs.withLock { $0 } == 1)
            #expect(texts.count == 20)
            #expect(texts.allSatisfy { $0 == "run 1: same" }, "\(texts)")
        }
    }

    @Test func hummingbirdRouterServesTheCard() async throws {
        var quiet = Logger(label: "test.server")
        quiet.logLevel = .critical
        let server = A2AServer(agent: EchoAgent(), card: BuiltinAgentRegistry.standard["echo"]!.card, logger: quiet)
        let r = try await post(url: server, path: "/.well-known/agent-card.json")
        #expect(r.contains("\"supportedInterfaces\""))
    }
}
