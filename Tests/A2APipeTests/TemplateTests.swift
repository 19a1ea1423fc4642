@testable import A2APipe
import Testing

@Suite struct TemplateTests {
    private func parse(_ text: String, environment: Bool = false) -> (Template, [String]) {
        let parser = TemplateParser(allowsEnvironment: environment) { offset in
            SourceLocation(file: "t.yaml", line: 1, column: offset + 1)
        }
        let (template, diagnostics) = parser.parse(text)
        return (template, diagnostics.map(\.description))
    }

    @Test func compilesEveryPlaceholder() {
        let (template, problems) = parse("{{input}}|{{ item }}|{{  index  }}|{{ params.top }}|{{ stages.search.output }}")
        #expect(problems == [])
        #expect(template.segments == [
            .input, .literal("|"), .item, .literal("|"), .index, .literal("|"), .param("top"), .literal("|"), .stageOutput("search"),
        ])
        #expect(template.referencedStages == ["search"])
    }

    @Test func quotedLiteralEscapesBraces() {
        let (template, problems) = parse("a {{ '{{' }} b }} c {{ \"}}\" }}")
        #expect(problems == [])
        #expect(template.segments == [.literal("a {{ b }} c }}")])
        #expect(template.render(TemplateValues()) == "a {{ b }} c }}")
    }

    @Test func environmentVariablesAndEscape() {
        let (template, problems) = parse("Bearer ${TOKEN} costs $5 ${X}$ $${Y}", environment: true)
        #expect(problems == [])
        #expect(template.segments == [.literal("Bearer "), .environment("TOKEN"), .literal(" costs $5 "), .environment("X"), .literal("$ ${Y}")])
        #expect(template.render(TemplateValues(environment: ["TOKEN": "t", "X": "x"])) == "Bearer t costs $5 x$ ${Y}")
    }

    @Test func environmentIsRejectedOutsideAgentValues() {
        let (_, problems) = parse("home ${HOME}")
        #expect(problems == ["t.yaml:1:6: error: '${HOME}' is not allowed here; environment variables work only in an agent's url, headers and with values (write $${ for a literal '${')"])
    }

    @Test func unclosedPlaceholderIsLocated() {
        let (_, problems) = parse("ab {{ input")
        #expect(problems == ["t.yaml:1:4: error: unclosed '{{'; end the placeholder with '}}' (write {{ '{{' }} for a literal '{{')"])
    }

    @Test func unknownNamesSuggestTheRightOne() {
        #expect(parse("{{ inptu }}").1 == ["t.yaml:1:1: error: unknown template variable 'inptu'; did you mean 'input'? use input, item, index, params.NAME or stages.ID.output"])
        #expect(parse("{{ stage.a.output }}").1 == ["t.yaml:1:1: error: unknown template variable 'stage.a.output'; did you mean 'stages.a.output'? use input, item, index, params.NAME or stages.ID.output"])
        #expect(parse("{{ stages.a }}").1 == ["t.yaml:1:1: error: unknown template variable 'stages.a'; did you mean 'stages.a.output'? use input, item, index, params.NAME or stages.ID.output"])
        #expect(parse("{{ }}").1 == ["t.yaml:1:1: error: empty placeholder '{{}}'; use input, item, index, params.NAME or stages.ID.output"])
    }

    @Test func rendersAllValues() {
        let (template, _) = parse("{{ index }}: {{ item }} ({{ params.p }}) after {{ stages.a.output }} for {{ input }}")
        let values = TemplateValues(input: "q", item: "it", index: 3, params: ["p": "v"], stageOutputs: ["a": "A"])
        #expect(template.render(values) == "3: it (v) after A for q")
    }

    @Test func renderingIsLinear() {
        // 20,000 placeholders over a 1 MB value: one pass, no re-scanning.
        let text = String(repeating: "x {{ stages.big.output }} ", count: 20_000)
        let (template, problems) = parse(text)
        #expect(problems == [])
        let big = String(repeating: "y", count: 50)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            let output = template.render(TemplateValues(stageOutputs: ["big": big]))
            #expect(output.utf8.count == 20_000 * (50 + 3))
        }
        #expect(elapsed < .seconds(30), "a complexity guard (quadratic would take minutes), not a speed claim")
    }

    @Test func sourceTextRoundTrips() {
        let segments: [Template.Segment] = [.literal("a {{ b"), .input, .param("x"), .stageOutput("s")]
        let source = segments.map(\.sourceText).joined()
        #expect(parse(source).0.segments == segments)
    }
}

@Suite struct DurationTests {
    @Test func parsesUnits() {
        #expect(DurationFormat.parse("250ms") == .milliseconds(250))
        #expect(DurationFormat.parse("30s") == .seconds(30))
        #expect(DurationFormat.parse("5m") == .seconds(300))
        #expect(DurationFormat.parse("1h") == .seconds(3600))
        #expect(DurationFormat.parse("1.5s") == .milliseconds(1500))
        #expect(DurationFormat.parse("0s") == .zero)
    }

    @Test(arguments: ["", "30", "s", "5 m", "1.s", "-1s", "1d", "1e3s", "1.5.5s", "99999999999999999999h", "30S"])
    func rejectsMalformed(_ text: String) {
        #expect(DurationFormat.parse(text) == nil)
    }

    @Test func formats() {
        #expect(DurationFormat.format(.milliseconds(500)) == "500ms")
        #expect(DurationFormat.format(.seconds(30)) == "30s")
        #expect(DurationFormat.format(.seconds(120)) == "2m")
        #expect(DurationFormat.format(.seconds(7200)) == "2h")
    }

    @Test func retryBackoffDoublesUpToTheCap() {
        let policy = RetryPolicy(attempts: 5, backoff: .milliseconds(500), maxBackoff: .seconds(3))
        #expect(policy.delay(afterAttempt: 1) == .milliseconds(500))
        #expect(policy.delay(afterAttempt: 2) == .seconds(1))
        #expect(policy.delay(afterAttempt: 3) == .seconds(2))
        #expect(policy.delay(afterAttempt: 4) == .seconds(3))
    }
}

@Suite struct SuggestionTests {
    @Test func suggestsCloseNames() {
        #expect(Suggestions.closest(to: "sumarize", in: ["search", "summarize", "write"]) == "summarize")
        #expect(Suggestions.closest(to: "need", in: StageSpec.keys) == "needs")
        #expect(Suggestions.closest(to: "zzz", in: ["search", "summarize"]) == nil)
        #expect(Suggestions.closest(to: "tiem", in: ["item"]) == "item")
    }
}
