import A2APipe
import ArgumentParser
import Foundation

/// `a2a-pipe run FILE`: runs a pipeline; the output goes to stdout, the run's progress to
/// stderr (design.md §4).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline: the output goes to stdout, progress to stderr.",
        discussion: """
            The input is --input TEXT, or the contents of --input-file (- for standard input), \
            or else standard input.

            --output chooses how the run is shown:
              auto   (default) tty if stderr is a terminal, else plain
              tty    a live view on stderr: one row per stage, redrawn in place
              plain  one line per event on stderr, prefixed with the stage id
              jsonl  one JSON object per event on stdout, and nothing else there
              quiet  nothing but the output
            NO_COLOR turns colour off; TERM=dumb makes auto plain.

            When a stage's agent asks a question (input-required) and stderr is a terminal, \
            the question is printed and the line you type is sent back to that agent's task; \
            otherwise the stage fails quoting the question.

            Exit status: 0 the pipeline succeeded, 1 it failed, 2 bad usage or an invalid \
            file, 130 interrupted (Ctrl-C cancels every running stage and the remote tasks \
            the run started).

            Examples:
              a2a-pipe run research.yaml --input "swift concurrency"
              a2a-pipe run research.yaml --set corpus=docs < question.txt > answer.md
              a2a-pipe run research.yaml --input-file q.txt --output jsonl | jq .type
            """
    )

    @Argument(help: "The pipeline file.")
    var file: String

    @Option(help: "The pipeline's input text.")
    var input: String?

    @Option(name: .customLong("input-file"), help: ArgumentHelp("Read the input from a file (- for standard input).", valueName: "path"))
    var inputFile: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a param, as name=value (repeatable).", valueName: "name=value"))
    var settings: [String] = []

    @Option(help: ArgumentHelp("How to show the run (see above).", valueName: "mode"))
    var output: OutputMode = .auto

    func validate() throws {
        if input != nil, inputFile != nil { throw ValidationError("give --input or --input-file, not both") }
    }

    func run() async throws {
        let plan = try loadPlan(file: file, overrides: settings)
        let input = try readInput(use: plan.inputUse)
        if plan.inputUse == .explicit, input.allSatisfy(\.isWhitespace) {
            Terminal.err("warning: the input is empty, and this pipeline uses {{ input }}; give --input TEXT\n")
        }

        let environment = ProcessInfo.processInfo.environment
        let (mode, color) = output.resolved(environment: environment, stderrIsTTY: Terminal.stderrIsTTY)
        let tty = mode == .tty ? TTYRenderer(forEachStages: Set(plan.stages.filter { $0.forEach != nil }.map(\.id)), color: color) : nil
        let writer = mode == .jsonl ? nil : OutputWriter(deferred: mode != .quiet && StandardStream.isTerminal(1) && StandardStream.isTerminal(2))
        var sinks: [any PipelineEventSink] = []
        switch mode {
        case .tty: if let tty { sinks.append(tty) }
        case .plain: sinks.append(PlainRenderer())
        case .jsonl: sinks.append(JSONLinesWriter())
        case .auto, .quiet: sinks.append(QuietSink())
        }
        if let writer { sinks.append(writer) }
        var configuration = EngineConfiguration(retainOutput: true)
        if let prompter = InputPrompter.openIfInteractive() {
            configuration.onInputRequired = { request in try await prompter.ask(request, view: tty) }
            sinks.append(prompter)
        }
        let engine = Engine(plan: plan, configuration: configuration)
        let sink = FanOutSink(sinks: sinks)

        do {
            try await Interrupt.run {
                do {
                    _ = try await engine.run(input: input, sink: sink)
                } catch {
                    // The last frame, and the cursor back, before anything else is printed.
                    tty?.finish()
                    writer?.finish(succeeded: false)
                    throw error
                }
                tty?.finish()
                writer?.finish(succeeded: true)
            }
        } catch let exit as Exit {
            tty?.finish()
            throw ExitCode(exit.code)
        } catch let error as PipelineRunError {
            Terminal.error("error: \(error.description)")
            throw ExitCode(1)
        } catch is StandardStream.Closed {
            throw ExitCode(141)  // stdout's reader has gone: stop quietly, as SIGPIPE would
        } catch is CancellationError {
            Terminal.error("error: the run was canceled")
            throw ExitCode(130)
        } catch {
            Terminal.error("error: \(error)")
            throw ExitCode(1)
        }
    }

    /// The pipeline's input: `--input`, `--input-file` (`-` for stdin), else standard input.
    /// The input: `--input`, `--input-file`, or standard input — but standard input only when
    /// the plan reads the input. A plan whose only use is a first stage's default input
    /// (`hello.yaml`) does not wait on a terminal: it runs with an empty input.
    private func readInput(use: Plan.InputUse) throws -> String {
        if let input { return input }
        guard let path = inputFile, path != "-" else {
            if inputFile == nil {
                switch use {
                case .none: return ""
                case .implicit where isatty(0) == 1: return ""
                case .implicit, .explicit: break
                }
            }
            return try readStdin(what: "the pipeline's input", otherwise: "give --input TEXT")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            Terminal.error("error: cannot read --input-file '\(path)'; check the path")
            throw ExitCode(2)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            Terminal.error("error: --input-file '\(path)' is not UTF-8 text")
            throw ExitCode(2)
        }
        return text
    }
}
