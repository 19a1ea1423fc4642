import A2APipe
import Foundation
import Testing

/// Loads pipeline text (not a file) with a fixed environment.
func loadText(_ text: String, overrides: [String: String] = [:], environment: [String: String] = Fixtures.environment) -> PipelineLoadResult {
    PipelineLoader().load(text: text, path: "test.yaml", overrides: overrides, environment: environment)
}

@Suite struct PlanTests {
    @Test func fanOutFanInPlan() throws {
        let result = PipelineLoader().load(path: Fixtures.valid.appendingPathComponent("fan-out-fan-in.yaml").path, environment: [:])
        let plan = try #require(result.plan)
        #expect(plan.stages.map(\.id) == ["split", "answer", "fact-check", "style", "merge"])
        #expect(plan.edges == [
            PlanEdge(from: "split", to: "answer", kind: .forEach),
            PlanEdge(from: "split", to: "fact-check", kind: .whole),
            PlanEdge(from: "split", to: "style", kind: .whole),
            PlanEdge(from: "answer", to: "merge", kind: .whole),
            PlanEdge(from: "fact-check", to: "merge", kind: .whole),
            PlanEdge(from: "style", to: "merge", kind: .whole),
        ])
        let merge = try #require(plan.stage("merge"))
        #expect(merge.upstream == ["answer", "fact-check", "style"])
        #expect(merge.inputIsDefault)
        #expect(merge.input.render(TemplateValues(stageOutputs: ["answer": "A", "fact-check": "F", "style": "S"])) == "A\n\nF\n\nS")
        #expect(merge.progressWeight == 2)
        let answer = try #require(plan.stage("answer"))
        #expect(answer.forEach == PlannedForEach(from: "split", split: .lines, order: .completion))
        #expect(answer.concurrency == 3)
        #expect(plan.stage("split")?.input.segments == [.input])
        #expect(plan.outputStage == "merge")
        #expect(plan.output.segments == [.stageOutput("merge")])
    }

    @Test func topologicalOrderBreaksTiesByDisplayOrder() throws {
        let result = loadText("""
            name: order
            agents: { e: { builtin: echo } }
            stages:
              - { id: last, agent: e, needs: [middle, first] }
              - { id: middle, agent: e, input: "{{ stages.first.output }}" }
              - { id: first, agent: e }
              - { id: other, agent: e }
            output: "{{ stages.last.output }} {{ stages.other.output }}"
            """)
        #expect(result.diagnostics == [])
        let plan = try #require(result.plan)
        #expect(plan.stages.map(\.id) == ["first", "middle", "last", "other"])
        #expect(plan.stagesInDisplayOrder.map(\.id) == ["last", "middle", "first", "other"])
        #expect(plan.outputStage == nil)
        #expect(plan.output.referencedStages == ["last", "other"])
    }

    @Test func defaultsAreApplied() throws {
        let plan = try #require(loadText("""
            name: defaults
            agents: { e: { builtin: echo }, r: { url: "http://127.0.0.1:1", launch: [x] } }
            stages:
              - { id: a, agent: e }
              - { id: b, agent: r, for_each: { from: a } }
            """).plan)
        let b = try #require(plan.stage("b"))
        #expect(b.input.segments == [.item])
        #expect(b.retry == RetryPolicy.none)
        #expect(b.concurrency == 1)
        #expect(b.forEach == PlannedForEach(from: "a", split: .lines, order: .input))
        #expect(b.timeout == nil)
        #expect(plan.agents["r"]?.launchTimeout == .seconds(30))
        #expect(plan.agents["r"]?.protocol == .auto)
    }

    @Test func secretsStayOutOfDiagnosticsButReachThePlan() throws {
        let result = loadText("""
            name: secrets
            agents: { r: { url: "http://127.0.0.1:1", headers: { Authorization: "Bearer ${WRITER_TOKEN}" } } }
            stages: [{ id: a, agent: r }]
            """)
        let plan = try #require(result.plan)
        #expect(plan.environment == ["WRITER_TOKEN": "s3cret-writer-token"])
        let header = try #require(plan.agents["r"]?.headers.first)
        #expect(header.value.render(plan.templateValues(input: "")) == "Bearer s3cret-writer-token")
        #expect(!GraphRenderer.mermaid(plan).contains("s3cret"))
    }

    @Test func nestedPipelineIsPlanned() throws {
        let result = PipelineLoader().load(path: Fixtures.valid.appendingPathComponent("nested-parent.yaml").path, environment: [:])
        let plan = try #require(result.plan)
        guard case .pipeline(let path, let child, let with) = plan.agents["child"]?.kind else {
            Issue.record("child is not a pipeline agent")
            return
        }
        #expect(path == "nested/child.yaml")
        #expect(child.name == "child")
        #expect(child.params == ["tone": "neutral"])
        #expect(with["tone"] == .string(Template(segments: [.param("style")], source: "{{ params.style }}")))
    }

    @Test func allErrorsAreReportedSortedInOnePass() {
        let result = loadText("""
            name: many
            agents: { e: { builtin: echo } }
            stages:
              - { id: b, agent: x, needs: [zz] }
              - { id: a, agent: y, timeout: 3 }
            """)
        #expect(result.diagnostics.map(\.description) == [
            "test.yaml:4:21: error: unknown agent 'x'; defined agents: e",
            "test.yaml:4:32: error: unknown stage 'zz'; stages: b, a",
            "test.yaml:5:21: error: unknown agent 'y'; defined agents: e",
            "test.yaml:5:33: error: invalid duration '3' for 'timeout'; add a unit, e.g. '3s' or '3ms'",
        ])
        #expect(result.plan == nil)
    }
}

@Suite struct OverrideTests {
    static let text = """
        name: overrides
        params:
          greeting: hello
          count: 3
        agents: { e: { builtin: echo } }
        stages: [{ id: a, agent: e, input: "{{ params.greeting }} x{{ params.count }}" }]
        """

    @Test func setOverridesDefaults() throws {
        let plan = try #require(loadText(Self.text, overrides: ["greeting": "hi=there"]).plan)
        #expect(plan.params == ["greeting": "hi=there", "count": "3"])
        #expect(plan.stages[0].input.render(plan.templateValues(input: "")) == "hi=there x3")
    }

    @Test func unknownSetParamIsAnError() {
        let result = loadText(Self.text, overrides: ["greting": "hi"])
        #expect(result.diagnostics.map(\.description) == [
            "test.yaml:2:1: error: --set names unknown param 'greting'; did you mean 'greeting'? declared params: count, greeting",
        ])
    }

    @Test func parsesAssignments() throws {
        #expect(try ParamOverrides.parse(["a=1", "b=x=y", "a=2", "c="]) == ["a": "2", "b": "x=y", "c": ""])
        #expect(throws: ParamOverrides.ParseError.self) { try ParamOverrides.parse(["novalue"]) }
        #expect(throws: ParamOverrides.ParseError.self) { try ParamOverrides.parse(["=v"]) }
    }
}


@Suite struct ConfigValueTests {
    @Test func builtinSettingsRenderAndConvert() throws {
        let plan = try #require(loadText("""
            name: config
            params: { top: "7", dir: docs }
            agents:
              run:
                builtin: exec
                with: { command: ["ls", "{{ params.dir }}"], shell: false, timeout: 2s, env: { HOME: "${HOME}" } }
              search: { builtin: search, with: { corpus: "{{ params.dir }}", top: "{{ params.top }}" } }
            stages:
              - { id: a, agent: run }
              - { id: b, agent: search, needs: [a] }
            """).plan)
        let values = plan.templateValues(input: "")
        guard case .builtin(_, let run) = plan.agents["run"]?.kind, case .builtin(_, let search) = plan.agents["search"]?.kind else {
            Issue.record("not builtins")
            return
        }
        #expect(run["command"]?.rendered(values).textList == ["ls", "docs"])
        #expect(run["shell"]?.boolean == false)
        #expect(run["timeout"]?.duration == .seconds(2))
        #expect(run["env"]?.rendered(values).textMap?.map(\.value) == ["/home/tester"])
        #expect(search["top"]?.rendered(values).integer == 7)
        #expect(search["corpus"]?.rendered(values).text == "docs")
    }
}
