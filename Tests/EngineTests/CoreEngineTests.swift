import A2A
import A2APipe
import Foundation
import Testing

@Suite(.timeLimit(.minutes(1)))
struct CoreEngineTests {
    @Test func linearPipelineStreamsExactOutput() async throws {
        let plan = try loadPlan("""
            name: linear
            agents:
              echo: { builtin: echo }
              words: { builtin: words, with: { delay: 0ms } }
            stages:
              - id: first
                agent: echo
              - id: second
                agent: words
                input: "{{ stages.first.output }} and more"
            """)
        let log = EventLog()
        let result = try await Engine(plan: plan, configuration: TestAgents.configuration()).run(input: "hello pipeline world", sink: log)
        #expect(result.output == "hello pipeline world and more")
        #expect(log.outputText == "hello pipeline world and more")
        #expect(log.text(of: "first") == "hello pipeline world")
        try checkContract(log, succeeded: true)
        guard case .pipelineCompleted(let output, _) = log.all.last else { return }
        #expect(output == "hello pipeline world and more")
        // stage.started before its chunks, stage.completed after them
        let started = try #require(log.index { if case .stageStarted("second", 1) = $0 { true } else { false } })
        let completedFirst = try #require(log.index { if case .stageCompleted("first", _) = $0 { true } else { false } })
        #expect(completedFirst < started)
    }

    @Test func forEachStartsItemsWhileUpstreamStreams() async throws {
        let plan = try loadPlan("""
            name: overlap
            agents:
              lines: { builtin: lines, with: { count: 5, delay: 50ms } }
              upper: { builtin: upper }
            stages:
              - id: produce
                agent: lines
              - id: each
                agent: upper
                for_each: { from: produce, split: lines }
            """)
        let log = EventLog()
        let result = try await Engine(plan: plan, configuration: TestAgents.configuration()).run(input: "go", sink: log)
        #expect(result.output == "LINE 0\nLINE 1\nLINE 2\nLINE 3\nLINE 4\n")
        try checkContract(log, succeeded: true)
        // Proof by event order: the first item's output comes before the upstream completed.
        let firstItemChunk = try #require(log.index { if case .stageChunk("each", 0?, _) = $0 { true } else { false } })
        let upstreamDone = try #require(log.index { if case .stageCompleted("produce", _) = $0 { true } else { false } })
        #expect(firstItemChunk < upstreamDone)
        // item counts: total known at the end
        let last = log.all.last { if case .stageItems("each", _, _, _) = $0 { true } else { false } }
        #expect(last == .stageItems(stage: "each", done: 5, running: 0, total: 5))
    }

    @Test func forEachConcurrencyKeepsItemOrder() async throws {
        let plan = try loadPlan("""
            name: ordered
            agents:
              lines: { builtin: lines, with: { count: 4 } }
              upper: { builtin: upper, with: { first_after: 3 } }
            stages:
              - id: produce
                agent: lines
              - id: each
                agent: upper
                for_each: { from: produce }
                concurrency: 4
            """)
        let log = EventLog()
        let result = try await Engine(plan: plan, configuration: TestAgents.configuration()).run(input: "go", sink: log)
        // item 0 finishes last (it waits for the three others), yet it comes first
        #expect(result.output == "LINE 0\nLINE 1\nLINE 2\nLINE 3\n")
        // items ran at once: the slow item 0 produced its text after the others
        let chunkItems = log.all.compactMap { if case .stageChunk("each", let i?, _) = $0 { i } else { nil } }
        #expect(chunkItems.last == 0)
        try checkContract(log, succeeded: true)
    }

    @Test func forEachCompletionOrder() async throws {
        let plan = try loadPlan("""
            name: completion
            agents:
              lines: { builtin: lines, with: { count: 3 } }
              upper: { builtin: upper, with: { first_after: 2 } }
            stages:
              - id: produce
                agent: lines
              - id: each
                agent: upper
                for_each: { from: produce, order: completion }
                concurrency: 3
            """)
        let result = try await Engine(plan: plan, configuration: TestAgents.configuration()).run(input: "go", sink: EventLog())
        let output = try #require(result.output)
        #expect(output.hasSuffix("LINE 0\n"))
        #expect(Set(output.split(separator: "\n")) == ["LINE 0", "LINE 1", "LINE 2"])
    }

    @Test func fanOutAndFanIn() async throws {
        let plan = try loadPlan("""
            name: fan
            agents:
              echo: { builtin: echo }
              upper: { builtin: upper }
            stages:
              - id: source
                agent: echo
              - id: loud
                agent: upper
                needs: [source]
              - id: quiet
                agent: echo
                needs: [source]
              - id: merge
                agent: echo
                needs: [loud, quiet]
            """)
        let log = EventLog()
        let result = try await Engine(plan: plan, configuration: TestAgents.configuration()).run(input: "Hi there", sink: log)
        #expect(result.output == "HI THERE\n\nHi there")
        try checkContract(log, succeeded: true)
        // merge starts only after both inputs completed
        let mergeStart = try #require(log.index { if case .stageStarted("merge", _) = $0 { true } else { false } })
        for s in ["loud", "quiet"] {
            let done = try #require(log.index { if case .stageCompleted(s, _) = $0 { true } else { false } })
            #expect(done < mergeStart)
        }
    }

    @Test func outputTemplateAndForEachOverFanOut() async throws {
        let plan = try loadPlan("""
            name: template
            agents:
              lines: { builtin: lines, with: { count: 2 } }
              upper: { builtin: upper }
              echo: { builtin: echo }
            stages:
              - id: produce
                agent: lines
              - id: each
                agent: upper
                for_each: { from: produce }
                input: "{{ index }}:{{ item }}"
              - id: whole
                agent: echo
                needs: [produce]
            output: "{{ stages.each.output }}---\\n{{ stages.whole.output }}"
            """)
        let log = EventLog()
        let result = try await Engine(plan: plan, configuration: TestAgents.configuration()).run(input: "go", sink: log)
        #expect(result.output == "0:LINE 0\n1:LINE 1\n---\nline 0\nline 1\n")
        #expect(log.outputText == result.output)
        try checkContract(log, succeeded: true)
    }

    @Test func progressFromAgentMetadataAndWeights() async throws {
        let plan = try loadPlan("""
            name: progress
            agents:
              progress: { builtin: progress, with: { steps: 4, delay: 1ms } }
              echo: { builtin: echo }
            stages:
              - id: work
                agent: progress
                progress_weight: 3
              - id: after
                agent: echo
                needs: [work]
            """)
        let log = EventLog()
        _ = try await Engine(plan: plan, configuration: TestAgents.configuration()).run(input: "x", sink: log)
        try checkContract(log, succeeded: true)
        let stageProgress = log.all.compactMap { if case .stageProgress("work", let p, _) = $0 { p } else { nil } }
        #expect(stageProgress.contains(0.5))
        // pipeline progress passes 3/4 * 0.5 while 'work' runs
        let pipeline = log.all.compactMap { if case .pipelineProgress(let p) = $0 { p } else { nil } }
        #expect(pipeline.contains { $0 > 0.3 && $0 < 0.75 })
    }

    @Test func nestedPipelineStreamsAndReportsProgress() async throws {
        let folder = temporaryFolder()
        _ = try loadPlan("""
            name: inner
            params:
              suffix: "!"
            agents:
              upper: { builtin: upper }
              progress: { builtin: progress, with: { steps: 2, delay: 1ms } }
            stages:
              - id: slow
                agent: progress
              - id: loud
                agent: upper
                input: "{{ stages.slow.output }}{{ params.suffix }}"
            """, name: "inner.yaml", in: folder)
        let plan = try loadPlan("""
            name: outer
            agents:
              inner: { pipeline: inner.yaml, with: { suffix: "?!" } }
              echo: { builtin: echo }
            stages:
              - id: first
                agent: echo
              - id: nested
                agent: inner
                needs: [first]
            """, in: folder)
        let log = EventLog()
        let result = try await Engine(plan: plan, configuration: TestAgents.configuration()).run(input: "hello", sink: log)
        #expect(result.output == "HELLO?!")
        try checkContract(log, succeeded: true)
        let nestedProgress = log.all.compactMap { if case .stageProgress("nested", let p, _) = $0 { p } else { nil } }
        #expect(!nestedProgress.isEmpty)
    }

    @Test func retainOutputOffStillStreams() async throws {
        let plan = try loadPlan("""
            name: noretain
            agents:
              echo: { builtin: echo }
            stages:
              - id: only
                agent: echo
            """)
        var config = TestAgents.configuration()
        config.retainOutput = false
        let log = EventLog()
        let result = try await Engine(plan: plan, configuration: config).run(input: "a b c", sink: log)
        #expect(result.output == nil)
        #expect(log.outputText == "a b c")
    }
}

@Suite struct ItemSplitterTests {
    /// `source` streams the input word by word; one `for_each` echo stage per split mode.
    static func plan(splits: [(id: String, split: String)], output: String) throws -> Plan {
        let stages = splits.map { """
              - id: \($0.id)
                agent: echo
                for_each: { from: source, split: \($0.split) }
                input: "<{{ item }}>"
            """ }.joined(separator: "\n")
        return try loadPlan("""
            name: split
            agents:
              words: { builtin: words, with: { delay: 0ms } }
              echo: { builtin: echo }
            stages:
              - id: source
                agent: words
            \(stages)
            output: "\(output)"
            """)
    }

    static func jsonPlan() throws -> Plan { try plan(splits: [("j", "json")], output: "{{ stages.j.output }}") }

    @Test func splitsAcrossChunks() async throws {
        let input = "[\"a b\", {\"k\": [1, 2]},\n 3]\n\nnext line"
        let plan = try Self.plan(splits: [("l", "lines"), ("p", "parts")], output: "{{ stages.l.output }}|{{ stages.p.output }}")
        let result = try await Engine(plan: plan, configuration: TestAgents.configuration()).run(input: input, sink: EventLog())
        let parts = try #require(result.output).components(separatedBy: "|")
        #expect(parts[0] == "<[\"a b\", {\"k\": [1, 2]},>\n< 3]>\n<next line>\n")
        #expect(parts[1].hasPrefix("<[\"a >\n<b\", >\n"))
    }

    @Test("split: json takes one array or JSON Lines, split across chunks", arguments: [
        ("[\"a b\", {\"k\": [1, 2]},\n 3]\n", "<a b>\n<{\"k\": [1, 2]}>\n<3>\n"),
        ("{\"a\": 1}\n{\"b\": [2, \"x y\"]}\n\"s t\"\n4\n", "<{\"a\": 1}>\n<{\"b\": [2, \"x y\"]}>\n<s t>\n<4>\n"),
        ("[]", ""),
    ])
    func jsonAccepted(input: String, expected: String) async throws {
        let result = try await Engine(plan: try Self.jsonPlan(), configuration: TestAgents.configuration()).run(input: input, sink: EventLog())
        #expect(result.output == expected)
    }

    @Test("split: json fails the stage on malformed JSON, naming the byte offset", arguments: [
        ("the quick brown fox", 0, "'the' is not a JSON value"),
        ("{\"a\": 1", 7, "a value opened at byte 0 is not closed"),
        ("[1, 2,, 3]", 6, "expected a value before ','"),
        ("[1, 2] and more", 7, "after the JSON array"),
        ("[1, 2", 5, "the array opened at byte 0 is not closed"),
        ("[1, 2,]", 6, "expected a value after ','"),
        ("{\"a\": 1}, {\"b\": 2}", 8, "JSON Lines values are separated by line breaks"),
    ])
    func jsonRejected(input: String, offset: Int, reasonContains: String) async throws {
        let error = await #expect(throws: PipelineRunError.self) {
            _ = try await Engine(plan: try Self.jsonPlan(), configuration: TestAgents.configuration()).run(input: input, sink: EventLog())
        }
        let text = "\(error.map { "\($0)" } ?? "")"
        #expect(text.contains("stage 'j'"), "\(text)")
        #expect(text.contains("cannot split the output of 'source'"), "\(text)")
        #expect(text.contains("at byte \(offset) "), "\(text)")
        #expect(text.contains(reasonContains), "\(text)")
    }
}
