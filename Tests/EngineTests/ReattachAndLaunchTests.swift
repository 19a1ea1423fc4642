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
            configuration: A2AServerConfiguration(host: "127.0.0.1", port: 0, publicURL: "http://127.0.0.1:\(proxy.port)/"),
            logger: quietServerLogger)
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
        let script = try PeerScripts.url(for: "tiny_agent.py")
        let pidFile = folder.appendingPathComponent("pid")
        let port = try freePort()
        let plan = try loadPlan("""
            name: launched
            agents:
              tiny:
                url: "http://127.0.0.1:\(port)"
                launch: ["python3", "\(script.path)", "\(port)", "\(pidFile.path)"]
                launch_timeout: 120s  # generous: python3 starts slowly while the suite loads both cores
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
        let port = try freePort()
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
}
