import A2A
import A2APipe
import Foundation
import Testing

/// The per-stage output cap and the per-run output cap (EngineConfiguration).
@Suite("Output caps")
struct OutputCapTests {
    static let input = String(repeating: "word ", count: 200)  // 1000 bytes

    @Test("a stage past its cap fails at once (not retried) with an error naming the stage and the cap")
    func stageCap() async throws {
        let plan = try loadPlan("""
            name: capped
            agents:
              echo: { builtin: echo }
            stages:
              - id: big
                agent: echo
                retry: { attempts: 3, backoff: 5ms }
              - id: after
                agent: echo
                input: "{{ stages.big.output }}"
            """)
        var configuration = TestAgents.configuration()
        configuration.maxStageOutputBytes = 100
        let log = EventLog()
        do {
            _ = try await Engine(plan: plan, configuration: configuration).run(input: Self.input, sink: log)
            Issue.record("the run should fail")
        } catch let error as PipelineRunError {
            #expect(error.stage == "big")
            #expect(error.attempt == 1, "not retried")
            #expect(error.description.contains("stage 'big'") && error.description.contains("per-stage cap of 100 bytes"), "\(error)")
        }
        #expect(log.failures.count == 1)
        #expect(log.failures.first?.willRetry == false)
        #expect(log.text(of: "big").utf8.count <= 100, "nothing past the cap is passed on")
        try checkContract(log, succeeded: false)
    }

    /// The engine streams any amount with flat memory (the 1 GB benchmark), so by default
    /// nothing is capped; `a2a-pipe serve` sets its own 32 MiB caps (ServeCommand).
    @Test("by default the engine caps nothing")
    func noCapByDefault() {
        let configuration = EngineConfiguration()
        #expect(configuration.maxStageOutputBytes == .max)
        #expect(configuration.maxRunOutputBytes == .max)
    }

    @Test("a for_each stage's cap counts all its items")
    func forEachCap() async throws {
        let plan = try loadPlan("""
            name: capped-items
            agents:
              echo: { builtin: echo }
            stages:
              - id: split
                agent: echo
              - id: each
                agent: echo
                for_each: { from: split, split: lines }
                input: "{{ item }}"
            """)
        var configuration = TestAgents.configuration()
        configuration.maxStageOutputBytes = 300
        let lines = (1...20).map { "line \($0) " + String(repeating: "x", count: 20) }.joined(separator: "\n")
        do {
            _ = try await Engine(plan: plan, configuration: configuration).run(input: lines, sink: EventLog())
            Issue.record("the run should fail")
        } catch let error as PipelineRunError {
            #expect(error.stage == "split" || error.stage == "each")
            #expect(error.description.contains("per-stage cap of 300 bytes"), "\(error)")
        }
    }

    @Test("the pipeline output past the per-run cap fails the run; within both caps it succeeds")
    func runCap() async throws {
        let plan = try loadPlan("""
            name: run-capped
            agents:
              echo: { builtin: echo }
            stages:
              - id: only
                agent: echo
            """)
        var configuration = TestAgents.configuration()
        configuration.maxRunOutputBytes = 500
        do {
            _ = try await Engine(plan: plan, configuration: configuration).run(input: Self.input, sink: EventLog())
            Issue.record("the run should fail")
        } catch let error as PipelineRunError {
            #expect(error.description.contains("per-run cap of 500 bytes"), "\(error)")
        }
        configuration.maxRunOutputBytes = 1000
        configuration.maxStageOutputBytes = 1000
        let ok = try await Engine(plan: plan, configuration: configuration).run(input: Self.input, sink: EventLog())
        #expect(ok.output == Self.input)
    }

    @Test("a template output past the per-run cap fails the run")
    func templateRunCap() async throws {
        let plan = try loadPlan("""
            name: template-capped
            agents:
              echo: { builtin: echo }
            stages:
              - id: a
                agent: echo
            output: "{{ stages.a.output }}{{ stages.a.output }}"
            """)
        var configuration = TestAgents.configuration()
        configuration.maxRunOutputBytes = 1500
        do {
            _ = try await Engine(plan: plan, configuration: configuration).run(input: Self.input, sink: EventLog())
            Issue.record("the run should fail")
        } catch let error as PipelineRunError {
            #expect(error.description.contains("per-run cap of 1500 bytes"), "\(error)")
        }
    }
}
