import A2A
import A2APipe
import A2APipeWeb
import A2ASQLiteStore
import A2AServer
import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle

/// `a2a-pipe serve FILE`: the pipeline as one A2A agent (design.md §5).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a pipeline as one A2A agent.",
        discussion: """
            Each message runs the pipeline once, with the message text as {{ input }}. The \
            reply streams the combined progress in status updates (under the progress \
            extension's URI) and the output as one artifact, chunk by chunk. The card is at \
            /.well-known/agent-card.json; A2A 1.0 and 0.3 JSON-RPC at /; python-a2a's routes \
            too. A web page at / shows the stage graph and runs the pipeline live (docs/web.md).

            launch: agents start once and are shared by all runs. Ctrl-C stops the server \
            (running tasks are canceled, bounded at 15 s); a second Ctrl-C quits at once. A \
            port in use is one line and exit 2.

            Example:
              a2a-pipe serve pipelines/research.yaml --port 8080
              a2a-pipe serve pipelines/research.yaml --store sqlite:tasks.db
              a2a-pipe call http://127.0.0.1:8080 "question"
            """
    )

    @Argument(help: "The pipeline file.")
    var file: String

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free one).")
    var port = 8080

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a param, as name=value (repeatable).", valueName: "name=value"))
    var overrides: [String] = []

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var serverOptions: ServerOptions

    @Option(name: .customLong("max-stage-output"), help: ArgumentHelp("The most output one stage may produce in a run (bytes, or with KiB/MiB/GiB); past it the stage fails.", valueName: "size"))
    var maxStageOutput = ByteSize(32 << 20)

    @Option(name: .customLong("max-run-output"), help: ArgumentHelp("The most pipeline output one run may produce; past it the run fails.", valueName: "size"))
    var maxRunOutput = ByteSize(32 << 20)

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard maxStageOutput.bytes > 0, maxRunOutput.bytes > 0 else { throw ValidationError("--max-stage-output and --max-run-output must be positive") }
    }

    func run() async throws {
        var serverConfiguration = try serverOptions.configuration(host: host, port: port)
        let plan = try loadPlan(file: file, overrides: overrides)
        let logger = serverOptions.logger(label: "a2a-pipe.serve")
        let launcher = AgentLauncher()
        let agent = PipelineAgent(plan: plan, configuration: EngineConfiguration(
            maxStageOutputBytes: maxStageOutput.bytes, maxRunOutputBytes: maxRunOutput.bytes, launcher: launcher))
        let (store, durable) = try await storeOptions.openStore(logger: logger)
        // The page is public like the card (A2AServer serves staticResources without a token).
        serverConfiguration.staticResources = PipelineWebPage.resources(for: plan)
        let server = A2AServer(agent: agent, card: plan.agentCard, configuration: serverConfiguration, store: store, logger: logger)
        let (host, name) = (self.host, plan.name)
        try await ServerRunner.run(server, durable: durable, logger: logger, banner: { port in
            "serving pipeline \(name) at http://\(host):\(port)\n"
                + "open http://\(host):\(port)/ in a browser to watch it run\n"
        }, cleanup: { await launcher.shutdown() })
    }
}
