import A2A
import A2ASQLiteStore
import A2AServer
import ArgumentParser
import BuiltinAgents
import Foundation
import Logging
import ServiceLifecycle

/// `a2a-pipe agent NAME`: serve one built-in agent over A2A (1.0 + 0.3 JSON-RPC and the
/// python-a2a routes).
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Serve one built-in agent over A2A.",
        discussion: """
            Serves the agent's card at /.well-known/agent-card.json and A2A 1.0 and 0.3 \
            JSON-RPC at /, plus python-a2a's /stream and /tasks/* routes. Ctrl-C (or SIGTERM) \
            stops the server: running tasks are canceled and open streams end; a second \
            Ctrl-C quits at once.

            Examples:
              a2a-pipe agent progress --port 9000
              a2a-pipe agent words --set delay=50ms
              a2a-pipe agent --list
            """
    )

    @Argument(help: "The built-in agent to serve (see --list).")
    var name: String?

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free one).")
    var port = 8080

    @Option(name: .customLong("set"), help: ArgumentHelp("A setting of the agent, as key=value (repeatable).", valueName: "key=value"))
    var settings: [String] = []

    @Flag(help: "List the built-in agents and their settings.")
    var list = false

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var serverOptions: ServerOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        if !list, name == nil { throw ValidationError("name the agent to serve, or use --list to see them") }
    }

    func run() async throws {
        let registry = BuiltinAgentRegistry.standard
        if list {
            Terminal.out(Self.listing(registry))
            return
        }
        let configuration = try serverOptions.configuration(host: host, port: port)
        let name = self.name ?? ""
        let agent: any AgentExecutor
        do {
            agent = try registry.makeAgent(name, settings: try AgentSettings(parsing: settings))
        } catch {
            Terminal.error("error: \(error)")
            throw ExitCode(2)
        }
        guard let entry = registry[name] else { throw ExitCode(2) }

        let logger = serverOptions.logger(label: "a2a-pipe.agent")
        let (store, durable) = try await storeOptions.openStore(logger: logger)
        let server = A2AServer(agent: agent, card: entry.card, configuration: configuration, store: store, logger: logger)
        let host = self.host
        try await ServerRunner.run(server, durable: durable, logger: logger) { port in
            "serving \(name) at http://\(host):\(port)\n"
        }
    }

    static func listing(_ registry: BuiltinAgentRegistry) -> String {
        var out = "Built-in agents (serve one with: a2a-pipe agent NAME [--set key=value]...):\n"
        for entry in registry.entries {
            out += "\n  \(entry.name)  \(entry.summary)\n"
            for s in entry.settings {
                out += "      --set \(s.name)=…  \(s.summary) (default \(s.defaultValue))\n"
            }
        }
        return out
    }
}
