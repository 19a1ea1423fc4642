import A2A
import A2APipe
import A2AServer
import Foundation
import PeerSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Streams `w1 ` … `wN ` with a pause between words.
struct SlowWordsAgent: AgentExecutor {
    let count: Int
    let delay: Duration

    func execute(_ context: RequestContext, updater: TaskUpdater) async throws {
        try await updater.startWork()
        for i in 1...count {
            try await Task.sleep(for: delay)
            try await updater.addArtifact(text: "w\(i) ")
        }
        try await updater.complete()
    }
}

@Suite(.timeLimit(.minutes(2)))
struct ReattachAndLaunchTests {
    /// An in-process A2A server behind a proxy that cuts the first stream after `w2`: the engine
    /// re-attaches (SubscribeToTask, snapshot first) and the output has every word exactly once.
    @Test func reattachesAfterADroppedConnectionWithoutDuplicates() async throws {
        let proxy = try CuttingProxy(marker: "w2 ")
        defer { proxy.close() }
        let card = AgentCard(
            name: "slow", description: "slow words", version: "1.0.0", supportedInterfaces: [],
            capabilities: AgentCapabilities(streaming: true), skills: [])
        let server = A2AServer(
            agent: SlowWordsAgent(count: 8, delay: .milliseconds(60)), card: card,
            configuration: A2AServerConfiguration(host: "127.0.0.1", port: 0, publicURL: "http://127.0.0.1:\(proxy.port)/"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.waitUntilRunning()
            proxy.setTarget(port: port)
            let plan = try loadPlan("""
                name: reattach
                agents:
                  slow: { url: "http://127.0.0.1:\(proxy.port)/" }
                  upper: { builtin: upper }
                stages:
                  - id: words
                    agent: slow
                  - id: loud
                    agent: upper
                    needs: [words]
                """)
            let log = EventLog()
            let result = try await Engine(plan: plan, configuration: TestAgents.configuration()).run(input: "go", sink: log)
            #expect(proxy.didCut)
            #expect(log.text(of: "words") == "w1 w2 w3 w4 w5 w6 w7 w8 ")
            #expect(result.output == "W1 W2 W3 W4 W5 W6 W7 W8 ")
            #expect(log.failures.isEmpty)  // a successful re-attach is not a failed attempt
            try checkContract(log, succeeded: true)
            group.cancelAll()
        }
    }

    /// A `launch:` agent is started for the run, answers, and is gone when the run returns.
    @Test func launchedAgentIsStoppedAfterTheRun() async throws {
        let folder = temporaryFolder()
        let script = folder.appendingPathComponent("tiny_agent.py")
        try Self.tinyAgent.write(to: script, atomically: true, encoding: .utf8)
        let pidFile = folder.appendingPathComponent("pid")
        let port = try Self.freePort()
        let plan = try loadPlan("""
            name: launched
            agents:
              tiny:
                url: "http://127.0.0.1:\(port)"
                launch: ["python3", "\(script.path)", "\(port)", "\(pidFile.path)"]
                launch_timeout: 20s
            stages:
              - id: call
                agent: tiny
            """, in: folder)
        let log = EventLog()
        let result = try await Engine(plan: plan, configuration: TestAgents.configuration()).run(input: "hello launch", sink: log)
        #expect(result.output == "HELLO LAUNCH")
        let pid = try #require(Int32(String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, 0) == -1 && errno == ESRCH, "the launched agent (pid \(pid)) is still running")
    }

    @Test func launchFailureShowsStderr() async throws {
        let folder = temporaryFolder()
        let port = try Self.freePort()
        let plan = try loadPlan("""
            name: broken-launch
            agents:
              tiny:
                url: "http://127.0.0.1:\(port)"
                launch: ["python3", "-c", "import sys; sys.stderr.write('cannot start: no model\\\\n'); sys.exit(3)"]
            stages:
              - id: call
                agent: tiny
            """, in: folder)
        await #expect {
            try await Engine(plan: plan, configuration: TestAgents.configuration()).run(input: "x", sink: EventLog())
        } throws: { error in
            let text = "\(error)"
            return text.contains("stage 'call'") && text.contains("exited with status 3") && text.contains("cannot start: no model")
        }
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = CuttingProxy.address(port: 0)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        var actual = sockaddr_in()
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: actual.sin_port))
    }

    /// A minimal A2A 1.0 agent on the standard library: a card, and SendStreamingMessage
    /// answered with the upper-cased text.
    static let tinyAgent = #"""
    import json, os, sys, uuid
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    PORT = int(sys.argv[1])
    with open(sys.argv[2], "w") as f:
        f.write(str(os.getpid()))

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def log_message(self, *a): pass
        def send_json(self, obj):
            body = json.dumps(obj).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        def do_GET(self):
            self.send_json({"name": "tiny", "description": "tiny", "version": "1.0.0",
                "supportedInterfaces": [{"url": "http://127.0.0.1:%d/" % PORT, "protocolBinding": "JSONRPC", "protocolVersion": "1.0"}],
                "capabilities": {"streaming": True}, "defaultInputModes": ["text/plain"],
                "defaultOutputModes": ["text/plain"], "skills": []})
        def do_POST(self):
            req = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            text = "".join(p.get("text", "") for p in req["params"]["message"]["parts"])
            tid, cid = uuid.uuid4().hex, uuid.uuid4().hex
            events = [{"task": {"id": tid, "contextId": cid, "status": {"state": "TASK_STATE_WORKING"}}},
                      {"artifactUpdate": {"taskId": tid, "contextId": cid, "artifact": {"artifactId": "out", "parts": [{"text": text.upper()}]}, "lastChunk": True}},
                      {"statusUpdate": {"taskId": tid, "contextId": cid, "status": {"state": "TASK_STATE_COMPLETED"}}}]
            body = "".join("data: " + json.dumps({"jsonrpc": "2.0", "id": req["id"], "result": e}) + "\n\n" for e in events).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    ThreadingHTTPServer(("127.0.0.1", PORT), H).serve_forever()
    """#
}
