import A2A
import Foundation

/// Draws a ``Plan`` as a Mermaid flowchart or a Graphviz digraph: one node
/// per stage (its id and agent), solid arrows for whole-output edges, dotted
/// arrows labelled `for_each` for per-item edges, and the pipeline output.
public enum GraphRenderer {
    /// Renders `plan` in `format`.
    public static func render(_ plan: Plan, format: GraphFormat) -> String {
        switch format {
        case .mermaid: mermaid(plan)
        case .dot: dot(plan)
        case .json: JSONWriter.string(json(plan)) + "\n"
        }
    }

    /// The graph as JSON:
    /// `{"name":…,"description":…,"stages":[{"id":…,"agent":…,"for_each":false,"column":0,"row":0}],
    /// "edges":[{"from":…,"to":…,"kind":"whole"|"for_each"}],"output":["stage id",…]}`.
    ///
    /// `column` is the stage's depth (the longest chain of upstream stages before it), `row` its
    /// place among the stages of that column in file order: enough to lay the graph out left to
    /// right. Stages are in display (file) order.
    public static func json(_ plan: Plan) -> JSONValue {
        var column: [String: Int] = [:]
        for stage in plan.stages {  // topological order: every upstream stage comes first
            column[stage.id] = (stage.upstream.compactMap { column[$0] }.max() ?? -1) + 1
        }
        var rows: [Int: Int] = [:]
        var stages: [JSONValue] = []
        for stage in plan.stagesInDisplayOrder {
            let c = column[stage.id] ?? 0
            let row = rows[c, default: 0]
            rows[c] = row + 1
            var o = JSONObject()
            o.append("id", .string(stage.id))
            o.append("agent", .string(stage.agent))
            o.append("for_each", .bool(stage.forEach != nil))
            o.append("column", .number(Double(c)))
            o.append("row", .number(Double(row)))
            if let d = stage.description { o.append("description", .string(d)) }
            stages.append(.object(o))
        }
        var o = JSONObject()
        o.append("name", .string(plan.name))
        if let d = plan.description { o.append("description", .string(d)) }
        o.append("stages", .array(stages))
        o.append("edges", .array(plan.edges.map { e in
            .object(["from": .string(e.from), "to": .string(e.to), "kind": .string(e.kind.rawValue)])
        }))
        o.append("output", .array(outputStages(plan).map { .string($0) }))
        return .object(o)
    }

    /// A Mermaid `flowchart LR`. Stage nodes are named `s0`, `s1`, … in
    /// topological order (stage ids may contain `-`, which Mermaid reads as an arrow).
    public static func mermaid(_ plan: Plan) -> String {
        var lines = ["flowchart LR"]
        var node: [String: String] = [:]
        for (index, stage) in plan.stages.enumerated() {
            let name = "s\(index)"
            node[stage.id] = name
            let label = "\(stage.id)<br/><i>\(stage.agent)</i>"
            // A for_each stage is drawn as a subroutine box ([[…]]): it runs once per item.
            let shape = stage.forEach == nil ? "[\"\(mermaidEscape(label))\"]" : "[[\"\(mermaidEscape(label))\"]]"
            lines.append("    \(name)\(shape)")
        }
        lines.append("    output([output])")
        for edge in plan.edges {
            guard let from = node[edge.from], let to = node[edge.to] else { continue }
            switch edge.kind {
            case .whole: lines.append("    \(from) --> \(to)")
            case .forEach: lines.append("    \(from) -. for_each .-> \(to)")
            }
        }
        for id in outputStages(plan) {
            if let from = node[id] { lines.append("    \(from) --> output") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A Graphviz `digraph`.
    public static func dot(_ plan: Plan) -> String {
        var lines = ["digraph \(dotQuote(plan.name)) {", "    rankdir=LR;", "    node [shape=box, fontname=\"Helvetica\"];"]
        for stage in plan.stages {
            let peripheries = stage.forEach == nil ? "" : ", peripheries=2"
            lines.append("    \(dotQuote(stage.id)) [label=\(dotQuote("\(stage.id)\n\(stage.agent)"))\(peripheries)];")
        }
        lines.append("    \"output\" [shape=oval, label=\"output\"];")
        for edge in plan.edges {
            switch edge.kind {
            case .whole: lines.append("    \(dotQuote(edge.from)) -> \(dotQuote(edge.to));")
            case .forEach: lines.append("    \(dotQuote(edge.from)) -> \(dotQuote(edge.to)) [style=dashed, label=\"for_each\"];")
            }
        }
        for id in outputStages(plan) {
            lines.append("    \(dotQuote(id)) -> \"output\";")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func outputStages(_ plan: Plan) -> [String] {
        if let stage = plan.outputStage { return [stage] }
        return plan.output.referencedStages
    }

    private static func mermaidEscape(_ text: String) -> String {
        text.replacingOccurrences(of: "\"", with: "#quot;")
    }

    private static func dotQuote(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n") + "\""
    }
}
