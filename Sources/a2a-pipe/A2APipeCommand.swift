import A2APipe
import ArgumentParser
import Foundation

/// The `a2a-pipe` command: run multi-agent pipelines over A2A, and talk to A2A agents.
struct A2APipeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "a2a-pipe",
        abstract: "Run multi-agent pipelines over the A2A protocol, and talk to A2A agents.",
        version: "0.1.0",
        subcommands: [
            RunCommand.self,
            ServeCommand.self,
            CallCommand.self,
            CardCommand.self,
            TaskCommand.self,
            AgentCommand.self,
            ValidateCommand.self,
            GraphCommand.self,
            SchemaCommand.self,
        ]
    )
}

/// Entry point: runs the command and maps outcomes to the exit codes of design.md §4
/// (0 success, 1 the call or pipeline failed, 2 bad usage or an invalid file, 130 interrupted).
@main
enum Main {
    static func main() async {
        if let word = CommandLine.arguments.dropFirst().first, !word.hasPrefix("-"), word != "help" {
            let names = A2APipeCommand.configuration.subcommands.map { $0._commandName }
            if !names.contains(word) {
                let hint = Suggestions.closest(to: word, in: names).map { "; did you mean '\($0)'?" } ?? ";"
                Terminal.error("error: unknown command '\(word)'\(hint) commands: \(names.joined(separator: ", ")) (a2a-pipe --help says more)")
                exit(2)
            }
        }
        do {
            var command = try A2APipeCommand.parseAsRoot()
            if var async = command as? any AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch {
            let code = A2APipeCommand.exitCode(for: error)
            if code == .validationFailure {
                // ArgumentParser uses 64 for usage errors; the contract says 2.
                Terminal.error(A2APipeCommand.fullMessage(for: error))
                exit(2)
            }
            A2APipeCommand.exit(withError: error)
        }
    }
}
