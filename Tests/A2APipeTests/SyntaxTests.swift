import Foundation
import A2APipe
import Testing

/// YAML-level problems come out as located, actionable diagnostics.
@Suite struct SyntaxTests {
    private func lines(_ text: String) -> [String] {
        loadText(text).diagnostics.map(\.description)
    }

    @Test func tabsAreExplained() {
        #expect(lines("name: a\nagents:\n\te: x\n") == [
            "test.yaml:3:1: error: invalid YAML: found character that cannot start any token; indent with spaces, YAML does not allow tabs for indentation",
        ])
    }

    @Test func secondDocumentIsRejected() {
        #expect(lines("name: a\n---\nname: b\n") == [
            "test.yaml:2:1: error: invalid YAML: a second document starts here ('---'); a pipeline file holds exactly one",
        ])
    }

    @Test func duplicateKeysAreNamed() {
        #expect(lines("name: a\nagents: { e: { builtin: echo } }\nstages:\n  - id: a\n    agent: e\n    id: b\n") == [
            "test.yaml:6:5: error: duplicate key 'id', first used at line 4; each key may appear only once in a mapping",
        ])
    }

    @Test func duplicateKeysInFlowMappings() {
        #expect(lines("name: a\nagents: { e: { builtin: echo, \"builtin\": words } }\nstages: [{ id: a, agent: e }]\n") == [
            "test.yaml:2:31: error: duplicate key 'builtin', first used at line 2; each key may appear only once in a mapping",
        ])
    }

    @Test func rootMustBeAMapping() {
        #expect(lines("- a\n- b\n") == ["test.yaml:1:1: error: expected a mapping with name, agents and stages, got a list"])
        #expect(lines("hello\n") == ["test.yaml:1:1: error: expected a mapping with name, agents and stages, got a string"])
    }

    @Test func aliasExpansionIsBounded() {
        var text = "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
        for (name, previous) in zip(["b", "c", "d", "e", "f", "g"], ["a", "b", "c", "d", "e", "f"]) {
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ",") + "]\n"
        }
        #expect(lines(text) == ["test.yaml:1:26: error: the file expands to more than 1000000 values (through aliases?); simplify it"])
    }

    @Test func placeholdersInBlockAndMultiLineScalarsAreLocated() {
        let text = """
            name: a
            agents: {e: {builtin: echo}}
            stages:
              - id: a
                agent: e
                input: "x {{ params.p }}
                  more {{ itm }}"
              - id: b
                agent: e
                needs: [a]
                input: >-
                  folded {{ stages.a.output }}
                  and {{ nope }}
            """
        #expect(lines(text) == [
            "test.yaml:6:15: error: unknown param 'p'; declare it under 'params:'",
            "test.yaml:7:12: error: unknown template variable 'itm'; did you mean 'item'? use input, item, index, params.NAME or stages.ID.output",
            "test.yaml:13:11: error: unknown template variable 'nope'; use input, item, index, params.NAME or stages.ID.output",
        ])
    }

    @Test func scalarTypesFollowYAML12() {
        // `yes` is a string in YAML 1.2, so it is not a boolean for `shell`.
        let result = loadText("""
            name: a
            agents: { run: { builtin: exec, with: { command: [ls], shell: yes } } }
            stages: [{ id: a, agent: run }]
            """)
        #expect(result.diagnostics.map(\.description) == [
            "test.yaml:2:63: error: expected true or false for 'shell' of builtin 'exec', got a string",
        ])
    }
}

@Suite struct ScaleTests {
    @Test func longNameListsAreShortened() {
        var text = "name: big\nagents: { e: { builtin: echo } }\nstages:\n"
        for index in 0..<40 { text += "  - { id: s\(index), agent: e\(index == 0 ? "" : ", needs: [s\(index - 1)]") }\n" }
        text += "output: nothing-like-it\n"
        #expect(loadText(text).diagnostics.map(\.description) == [
            "test.yaml:44:9: error: output names unknown stage 'nothing-like-it'; name a stage or write a template with {{ stages.ID.output }}",
        ])
        text = text.replacingOccurrences(of: "output: nothing-like-it\n", with: "  - { id: x, agent: e, needs: [zzz] }\n")
        #expect(loadText(text).diagnostics.map(\.description) == [
            "test.yaml:44:32: error: unknown stage 'zzz'; stages: s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, … (41 in all)",
        ])
    }

    @Test func manyPlaceholdersInOneValueLoadQuickly() throws {
        let placeholders = String(repeating: "{{ input }} {{ params.p }} ", count: 10_000)
        let text = "name: a\nparams: { p: v }\nagents: { e: { builtin: echo } }\nstages:\n  - id: a\n    agent: e\n    input: \"\(placeholders){{ nope }}\"\n"
        let clock = ContinuousClock()
        var result: PipelineLoadResult?
        let elapsed = clock.measure { result = loadText(text) }
        #expect(elapsed < .seconds(30), "a complexity guard (quadratic would take minutes), not a speed claim")
        #expect(result?.diagnostics.map(\.description) == [
            "test.yaml:7:\(13 + placeholders.count): error: unknown template variable 'nope'; use input, item, index, params.NAME or stages.ID.output",
        ])
    }
}
