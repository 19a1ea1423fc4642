import A2APipe
import ArgumentParser
import Foundation

extension GraphFormat: ExpressibleByArgument {}

/// `a2a-pipe graph FILE`: draws a pipeline's stage graph.
struct GraphCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print a pipeline's stage graph as Mermaid, Graphviz DOT or JSON.",
        discussion: """
            Nodes are stages (id and agent); solid arrows carry a stage's whole \
            output, dotted arrows labelled for_each carry it item by item. An \
            invalid file prints its diagnostics on stderr and exits 2.
            """
    )

    @Argument(help: "The pipeline file.")
    var file: String

    @Option(help: "Output format: mermaid, dot or json.")
    var format: GraphFormat = .mermaid

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a param, as name=value (repeatable).", valueName: "name=value"))
    var settings: [String] = []

    func run() async throws {
        let plan = try loadPlan(file: file, overrides: settings)
        Terminal.out(GraphRenderer.render(plan, format: format))
    }
}
