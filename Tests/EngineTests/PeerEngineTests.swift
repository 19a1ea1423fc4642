import A2A
import A2APipe
import Foundation
import PeerSupport
import Testing

/// End-to-end runs mixing built-in agents and real Python peers.
@Suite(.timeLimit(.minutes(3)))
struct PeerEngineTests {
    @Test func mixesBuiltinsWithSDKPeers() async throws {
        let sdk13 = try await Peer.start(.sdk13)
        let sdk03 = try await Peer.start(.sdk03)
        let pa2a = try await Peer.start(.pythonA2A)
        defer { Task { await sdk13.stop(); await sdk03.stop(); await pa2a.stop() } }
        let plan = try loadPlan("""
            name: mixed
            agents:
              lines: { builtin: lines, with: { count: 3 } }
              new: { url: "\(sdk13.url)" }
              old: { url: "\(sdk03.url)" }
              legacy: { url: "\(pa2a.url)" }
              echo: { builtin: echo }
            stages:
              - id: produce
                agent: lines
              - id: each
                agent: new
                for_each: { from: produce }
                concurrency: 2
              - id: older
                agent: old
                needs: [each]
              - id: legacy
                agent: legacy
                input: "{{ stages.older.output }}"
              - id: final
                agent: echo
                needs: [legacy]
            """)
        let log = EventLog()
        let result = try await Engine(plan: plan, configuration: TestAgents.configuration()).run(input: "go", sink: log)
        // sdk13 echoes each word + " "; items are joined with a line break after each.
        // Items run two at a time, so their chunks interleave: check each item's own text.
        for i in 0..<3 { #expect(log.text(of: "each", item: i) == "line \(i) ") }
        #expect(log.text(of: "older") == "line 0 line 1 line 2 ")
        #expect(log.text(of: "legacy") == "line 0 line 1 line 2 ")
        #expect(result.output == "line 0 line 1 line 2 ")
        try checkContract(log, succeeded: true)
        // Progress from the peers' metadata shows as stage progress.
        let older = log.all.compactMap { if case .stageProgress("older", let p, _) = $0 { p } else { nil } }
        #expect(!older.isEmpty)
    }

    @Test func failingPeerIsRetriedThenFailsNamingTheStage() async throws {
        try await withPeer(.sdk13) { peer in
            let plan = try loadPlan("""
                name: failing
                agents:
                  peer: { url: "\(peer.url)" }
                stages:
                  - id: critique
                    agent: peer
                    input: "fail:boom"
                    retry: { attempts: 2, backoff: 10ms }
                """)
            let log = EventLog()
            await #expect {
                try await Engine(plan: plan, configuration: TestAgents.configuration()).run(input: "x", sink: log)
            } throws: { error in
                guard let error = error as? PipelineRunError else { return false }
                return error.stage == "critique" && error.attempt == 2 && error.agentURL == peer.url && error.description.contains("boom")
                    && error.description.hasPrefix("stage 'critique' (attempt 2 of 2, \(peer.url)): ")
            }
            #expect(log.failures.map(\.willRetry) == [true, false])
            // the partial text is passed on once, not once per attempt
            #expect(log.text(of: "critique") == "partial ")
            try checkContract(log, succeeded: false)
        }
    }

    @Test func stallEndsAtIdleTimeout() async throws {
        try await withPeer(.fault(.stall), environment: ["STALL_KEEPALIVE_SECONDS": "0.5"]) { peer in
            let plan = try loadPlan("""
                name: stall
                agents:
                  peer: { url: "\(peer.url)" }
                stages:
                  - id: stuck
                    agent: peer
                    idle_timeout: 1s
                    retry: { attempts: 2, backoff: 10ms }
                """)
            let log = EventLog()
            let start = ContinuousClock.now
            await #expect {
                try await Engine(plan: plan, configuration: TestAgents.configuration()).run(input: "x", sink: log)
            } throws: { error in
                (error as? PipelineRunError)?.stage == "stuck" && "\(error)".contains("no data from the agent for 1 s")
            }
            // Ended by the 1 s idle bound, not the 60 s default (generous: a loaded machine
            // once took 28 s for the two attempts with their peer round trips).
            #expect(ContinuousClock.now - start < .seconds(120), "a hang guard: the 60 s default idle bound per attempt would take over 120 s")
            #expect(log.failures.count == 2)
        }
    }

    @Test func malformedEventsAreSkipped() async throws {
        try await withPeer(.fault(.malformed)) { peer in
            let plan = try loadPlan("""
                name: malformed
                agents:
                  peer: { url: "\(peer.url)" }
                stages:
                  - id: odd
                    agent: peer
                """)
            let log = EventLog()
            let result = try await Engine(plan: plan, configuration: TestAgents.configuration()).run(input: "x", sink: log)
            #expect(result.output == "ok ")
            try checkContract(log, succeeded: true)
        }
    }

    @Test func droppedStreamReattachesThenFailsAfterRetries() async throws {
        try await withPeer(.fault(.drop)) { peer in
            let plan = try loadPlan("""
                name: drop
                agents:
                  peer: { url: "\(peer.url)" }
                stages:
                  - id: dropper
                    agent: peer
                    retry: { attempts: 2, backoff: 10ms }
                """)
            let log = EventLog()
            await #expect {
                try await Engine(plan: plan, configuration: TestAgents.configuration()).run(input: "x", sink: log)
            } throws: { error in
                guard let error = error as? PipelineRunError else { return false }
                return error.stage == "dropper" && error.attempt == 2 && error.message.contains("closed")
            }
            #expect(log.text(of: "dropper") == "partial ")
        }
    }

    @Test func http500FailsWithTheStatus() async throws {
        try await withPeer(.fault(.error500)) { peer in
            let plan = try loadPlan("""
                name: e500
                agents:
                  peer: { url: "\(peer.url)" }
                stages:
                  - id: broken
                    agent: peer
                """)
            await #expect {
                try await Engine(plan: plan, configuration: TestAgents.configuration()).run(input: "x", sink: EventLog())
            } throws: { error in
                "\(error)".hasPrefix("stage 'broken' (attempt 1 of 1, \(peer.url)): ") && "\(error)".contains("500")
            }
        }
    }

    @Test func cancellingTheRunCancelsTheRemoteTask() async throws {
        let cancelLog = FileManager.default.temporaryDirectory.appendingPathComponent("cancel-\(UUID().uuidString).log")
        try await withPeer(.sdk13, environment: ["PEER_CANCEL_LOG": cancelLog.path]) { peer in
            let plan = try loadPlan("""
                name: cancel
                agents:
                  peer: { url: "\(peer.url)" }
                stages:
                  - id: long
                    agent: peer
                    input: long
                """)
            let log = EventLog()
            let ticked = AsyncStream<Void>.makeStream()
            let sink = ClosurePipelineEventSink { event in
                try await log.receive(event)
                if case .stageChunk("long", _, let text) = event, text.contains("tick1") { ticked.continuation.yield() }
            }
            let run = Task { try await Engine(plan: plan, configuration: TestAgents.configuration()).run(input: "x", sink: sink) }
            var iterator = ticked.stream.makeAsyncIterator()
            _ = await iterator.next()
            run.cancel()
            await #expect(throws: CancellationError.self) { try await run.value }
            // The task id was written to the cancel log before run returned.
            let cancelled = (try? String(contentsOf: cancelLog, encoding: .utf8)) ?? ""
            #expect(!cancelled.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
            guard case .pipelineFailed(nil, "canceled") = log.all.last else {
                Issue.record("last event: \(String(describing: log.all.last))")
                return
            }
        }
    }
}
