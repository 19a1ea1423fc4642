import A2A
import A2APipe
import Foundation
import PeerSupport
import Testing

/// Retries, timeouts and failures with in-process agents, and questions from remote ones.
@Suite(.timeLimit(.minutes(2)))
struct FaultEngineTests {
    @Test func flakyAgentSucceedsOnRetryWithoutRepeatingText() async throws {
        let plan = try loadPlan("""
            name: flaky
            agents:
              flaky: { builtin: flaky, with: { failures: 2 } }
            stages:
              - id: shaky
                agent: flaky
                retry: { attempts: 3, backoff: 5ms }
            """)
        let counter = CallCounter()
        let log = EventLog()
        let result = try await Engine(plan: plan, configuration: TestAgents.configuration(counter: counter)).run(input: "done", sink: log)
        #expect(counter.value == 3)
        #expect(result.output == "partial done")
        #expect(log.failures.map(\.attempt) == [1, 2])
        #expect(log.failures.allSatisfy { $0.willRetry && $0.error.contains("flaky failure") })
        let starts = log.all.compactMap { if case .stageStarted("shaky", let a) = $0 { a } else { nil } }
        #expect(starts == [1, 2, 3])
        try checkContract(log, succeeded: true)
    }

    @Test func forEachItemIsRetriedOnItsOwn() async throws {
        let plan = try loadPlan("""
            name: items
            agents:
              lines: { builtin: lines, with: { count: 2 } }
              flaky: { builtin: flaky, with: { failures: 1 } }
            stages:
              - id: produce
                agent: lines
              - id: each
                agent: flaky
                for_each: { from: produce }
                retry: { attempts: 2, backoff: 5ms }
            """)
        let log = EventLog()
        let result = try await Engine(plan: plan, configuration: TestAgents.configuration()).run(input: "go", sink: log)
        #expect(result.output == "partial line 0\npartial line 1\n")
        #expect(log.failures.count == 1)
        #expect(log.failures.first?.item == 0)
    }

    @Test func timeoutPerAttemptAndFailureCancelsTheOthers() async throws {
        let plan = try loadPlan("""
            name: timeout
            agents:
              silent: { builtin: silent }
              flaky: { builtin: flaky, with: { failures: 100 } }
            stages:
              - id: waits
                agent: silent
                timeout: 300ms
                retry: { attempts: 2, backoff: 5ms }
              - id: forever
                agent: silent
            output: "{{ stages.waits.output }}{{ stages.forever.output }}"
            """)
        let log = EventLog()
        let start = ContinuousClock.now
        await #expect {
            try await Engine(plan: plan, configuration: TestAgents.configuration()).run(input: "x", sink: log)
        } throws: { error in
            guard let error = error as? PipelineRunError else { return false }
            return error.stage == "waits" && error.attempt == 2 && error.agentURL == "builtin silent"
                && error.description == "stage 'waits' (attempt 2 of 2, builtin silent): the attempt took longer than its timeout of 300 ms"
        }
        // 'forever' sleeps for an hour: that the run ended at all shows it was cancelled (the
        // bound is only a guard against a hang, not a speed assertion).
        #expect(ContinuousClock.now - start < .seconds(120))
        // 'forever' was cancelled: the run ended without it completing
        #expect(!log.all.contains { if case .stageCompleted("forever", _) = $0 { true } else { false } })
        guard case .pipelineFailed("waits", let message) = log.all.last else {
            Issue.record("last event \(String(describing: log.all.last))")
            return
        }
        #expect(message.contains("timeout"))
        try checkContract(log, succeeded: false)
    }

    @Test func idleTimeoutForInProcessAgents() async throws {
        let plan = try loadPlan("""
            name: idle
            agents:
              silent: { builtin: silent }
            stages:
              - id: quiet
                agent: silent
                idle_timeout: 200ms
            """)
        await #expect {
            try await Engine(plan: plan, configuration: TestAgents.configuration()).run(input: "x", sink: EventLog())
        } throws: { error in
            "\(error)".contains("no output from the agent for 200 ms")
        }
    }

    @Test func cancellingTheRunStopsInProcessStages() async throws {
        let plan = try loadPlan("""
            name: cancel
            agents:
              silent: { builtin: silent }
            stages:
              - id: quiet
                agent: silent
            """)
        let log = EventLog()
        let started = AsyncStream<Void>.makeStream()
        let sink = ClosurePipelineEventSink { event in
            try await log.receive(event)
            if case .stageStarted = event { started.continuation.yield() }
        }
        let run = Task { try await Engine(plan: plan, configuration: TestAgents.configuration()).run(input: "x", sink: sink) }
        var it = started.stream.makeAsyncIterator()
        _ = await it.next()
        run.cancel()
        await #expect(throws: CancellationError.self) { try await run.value }
        #expect(log.all.last == .pipelineFailed(stage: nil, error: "canceled"))
    }

    @Test func aQuestionFailsTheStageUnlessAnswered() async throws {
        try await withPeer(.sdk13) { peer in
            let plan = try loadPlan("""
                name: ask
                agents:
                  peer: { url: "\(peer.url)" }
                stages:
                  - id: asker
                    agent: peer
                    input: ask
                """)
            let log = EventLog()
            await #expect {
                try await Engine(plan: plan, configuration: TestAgents.configuration()).run(input: "x", sink: log)
            } throws: { error in
                "\(error)".contains("Which topic?")
            }
            #expect(log.all.contains(.stageInputRequired(stage: "asker", question: "Which topic?")))

            var config = TestAgents.configuration()
            config.onInputRequired = { request in
                request.question == "Which topic?" ? "swift" : nil
            }
            let answered = try await Engine(plan: plan, configuration: config).run(input: "x", sink: EventLog())
            #expect(answered.output == "You said: swift ")
        }
    }
}
