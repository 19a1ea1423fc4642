import A2APipe
import Foundation
import Testing

@Suite struct GraphTests {
    private func fanOutPlan() throws -> Plan {
        try #require(PipelineLoader().load(path: Fixtures.valid.appendingPathComponent("fan-out-fan-in.yaml").path, environment: [:]).plan)
    }

    @Test func mermaidOfFanOutFanIn() throws {
        let text = GraphRenderer.mermaid(try fanOutPlan())
        #expect(text == """
            flowchart LR
                s0["split<br/><i>splitter</i>"]
                s1[["answer<br/><i>answerer</i>"]]
                s2["fact-check<br/><i>checker</i>"]
                s3["style<br/><i>checker</i>"]
                s4["merge<br/><i>merger</i>"]
                output([output])
                s0 -. for_each .-> s1
                s0 --> s2
                s0 --> s3
                s1 --> s4
                s2 --> s4
                s3 --> s4
                s4 --> output

            """)
        try Self.checkMermaidStructure(text)
    }

    /// The JSON the web page draws: stages in file order with a depth column and a row within
    /// it, edges with their kind, and the output stage.
    @Test func jsonOfFanOutFanIn() throws {
        let text = GraphRenderer.render(try fanOutPlan(), format: .json)
        #expect(text == """
            {"name":"fan-out-fan-in","description":"Split a topic into questions, answer them three ways in parallel, then merge.","stages":[\
            {"id":"split","agent":"splitter","for_each":false,"column":0,"row":0},\
            {"id":"answer","agent":"answerer","for_each":true,"column":1,"row":0},\
            {"id":"fact-check","agent":"checker","for_each":false,"column":1,"row":1},\
            {"id":"style","agent":"checker","for_each":false,"column":1,"row":2},\
            {"id":"merge","agent":"merger","for_each":false,"column":2,"row":0}],\
            "edges":[{"from":"split","to":"answer","kind":"for_each"},{"from":"split","to":"fact-check","kind":"whole"},\
            {"from":"split","to":"style","kind":"whole"},{"from":"answer","to":"merge","kind":"whole"},\
            {"from":"fact-check","to":"merge","kind":"whole"},{"from":"style","to":"merge","kind":"whole"}],\
            "output":["merge"]}

            """)
    }

    /// Every valid fixture draws a structurally valid flowchart.
    @Test(arguments: Fixtures.names(in: Fixtures.valid))
    func mermaidIsStructurallyValid(_ name: String) throws {
        let plan = try #require(PipelineLoader().load(path: Fixtures.valid.appendingPathComponent(name).path, environment: Fixtures.environment).plan)
        try Self.checkMermaidStructure(GraphRenderer.mermaid(plan))
    }

    /// The grammar subset the renderer emits: a header, node declarations,
    /// then edges between declared nodes, each node declared once.
    static func checkMermaidStructure(_ text: String) throws {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.last == "")
        lines.removeLast()
        #expect(lines.first == "flowchart LR")
        let node = /^    (s[0-9]+)(\["[^"\[\]]*"\]|\[\["[^"\[\]]*"\]\])$/
        let outputNode = /^    output\(\[output\]\)$/
        let edge = /^    (s[0-9]+) (-->|-\. for_each \.->) (s[0-9]+|output)$/
        var declared = Set<String>()
        var sawEdge = false
        for line in lines.dropFirst() {
            if let match = line.wholeMatch(of: node) {
                #expect(!sawEdge, "node after edges: \(line)")
                #expect(declared.insert(String(match.1)).inserted, "declared twice: \(line)")
            } else if line.wholeMatch(of: outputNode) != nil {
                #expect(declared.insert("output").inserted)
            } else if let match = line.wholeMatch(of: edge) {
                sawEdge = true
                #expect(declared.contains(String(match.1)), "undeclared: \(line)")
                #expect(declared.contains(String(match.3)), "undeclared: \(line)")
            } else {
                Issue.record("not a node or an edge: \(line)")
            }
        }
        #expect(declared.contains("output"))
    }

    @Test func dotOfFanOutFanIn() throws {
        let text = GraphRenderer.dot(try fanOutPlan())
        #expect(text == """
            digraph "fan-out-fan-in" {
                rankdir=LR;
                node [shape=box, fontname="Helvetica"];
                "split" [label="split\\nsplitter"];
                "answer" [label="answer\\nanswerer", peripheries=2];
                "fact-check" [label="fact-check\\nchecker"];
                "style" [label="style\\nchecker"];
                "merge" [label="merge\\nmerger"];
                "output" [shape=oval, label="output"];
                "split" -> "answer" [style=dashed, label="for_each"];
                "split" -> "fact-check";
                "split" -> "style";
                "answer" -> "merge";
                "fact-check" -> "merge";
                "style" -> "merge";
                "merge" -> "output";
            }

            """)
    }
}

@Suite struct SchemaTests {
    /// docs/pipeline.schema.json is the committed output of `a2a-pipe schema`.
    @Test func committedSchemaMatchesGenerated() throws {
        let committed = try String(contentsOf: Fixtures.repository.appendingPathComponent("docs/pipeline.schema.json"), encoding: .utf8)
        #expect(committed == PipelineSchema.json(), "regenerate with: a2a-pipe schema > docs/pipeline.schema.json")
    }

    @Test func schemaIsJSONAndNamesEveryKey() throws {
        let text = PipelineSchema.json()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        let properties = try #require(object["properties"] as? [String: Any])
        #expect(Set(properties.keys) == Set(PipelineSpec.keys))
        let defs = try #require(object["$defs"] as? [String: Any])
        let stage = try #require((defs["stage"] as? [String: Any])?["properties"] as? [String: Any])
        #expect(Set(stage.keys) == Set(StageSpec.keys))
        let agent = try #require((defs["agent"] as? [String: Any])?["properties"] as? [String: Any])
        #expect(Set(agent.keys) == Set(AgentSpec.keys))
    }
}
