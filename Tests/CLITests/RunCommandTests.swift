import Foundation
import PeerSupport
import Testing

/// Pipeline files for the `run` tests, written to a fresh temporary folder.
enum RunPipelines {
    /// Three stages, the middle one `for_each`: `list` streams `items` lines, `expand` streams
    /// each line back word by word, `write` reports progress in steps and returns its input.
    static func threeStage(items: Int = 4, itemDelay: String = "50ms", wordDelay: String = "20ms") -> String {
        """
        name: demo
        agents:
          lister: { builtin: structured, with: { items: \(items), delay: \(itemDelay) } }
          talker: { builtin: words, with: { delay: \(wordDelay) } }
          writer: { builtin: progress, with: { steps: 5, delay: 100ms } }
        stages:
          - id: list
            agent: lister
          - id: expand
            agent: talker
            for_each: { from: list, split: lines }
            concurrency: 2
          - id: write
            agent: writer
            needs: [expand]
        output: write
        """
    }

    /// One `words` stage.
    static func words(delay: String = "20ms") -> String {
        """
        name: talk
        agents:
          talker: { builtin: words, with: { delay: \(delay) } }
        stages:
          - id: talk
            agent: talker
        """
    }

    /// Two stages, the second (after the first) at an agent that refuses connections.
    static let failing = """
        name: broken
        agents:
          talker: { builtin: echo }
          gone: { url: "http://127.0.0.1:9" }
        stages:
          - id: first
            agent: talker
          - id: second
            agent: gone
            needs: [first]
        """

    /// Writes `text` as `name` in a new temporary folder; returns its path.
    static func write(_ text: String, name: String = "pipeline.yaml") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("a2a-pipe-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }
}

/// Runs `a2a-pipe` with extra environment variables.
func runCLI(_ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(60)) async throws -> CLI.Result {
    let r = try await runProgram(CLI.executable, arguments: arguments, timeout: timeout, environment: environment)
    return CLI.Result(exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr)
}

/// `a2a-pipe run` as a user (or a script) runs it: exit codes, stdout, and the three views.
@Suite("a2a-pipe run", .timeLimit(.minutes(5)))
struct RunCommandTests {
    static let eventTypes: Set<String> = [
        "pipeline.started", "stage.started", "stage.chunk", "stage.progress", "stage.items", "stage.input_required",
        "stage.completed", "stage.failed", "pipeline.progress", "pipeline.output", "pipeline.completed", "pipeline.failed",
    ]

    /// Every stdout line as a JSON object; records an issue for any line that is not one.
    static func jsonLines(_ stdout: String) throws -> [[String: Any]] {
        #expect(stdout.hasSuffix("\n"), "every JSON line ends with a newline")
        return try stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "not a JSON object: \(line)")
            return object ?? [:]
        }
    }

    @Test("jsonl: one JSON object per line on stdout, started first, completed last, progress never decreasing")
    func jsonl() async throws {
        let file = try RunPipelines.write(RunPipelines.threeStage())
        let r = try await runCLI(["run", file, "--input", "alpha beta", "--output", "jsonl"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let events = try Self.jsonLines(r.stdout)
        let types = events.map { $0["type"] as? String ?? "" }
        #expect(types.allSatisfy(Self.eventTypes.contains), "\(Set(types).subtracting(Self.eventTypes))")
        #expect(types.first == "pipeline.started")
        #expect(types.last == "pipeline.completed")
        #expect(events.first?["stages"] as? [String] == ["list", "expand", "write"])
        #expect(types.contains("stage.items"))
        let progress = events.filter { $0["type"] as? String == "pipeline.progress" }.compactMap { $0["progress"] as? Double }
        #expect(!progress.isEmpty)
        #expect(zip(progress, progress.dropFirst()).allSatisfy { $0 <= $1 }, "pipeline progress went backwards: \(progress)")
        #expect(progress.last == 1)
        var stageProgress: [String: Double] = [:]
        for event in events where event["type"] as? String == "stage.progress" {
            let stage = event["stage"] as? String ?? "", p = event["progress"] as? Double ?? -1
            #expect(p >= stageProgress[stage, default: 0], "\(stage) progress went backwards")
            #expect((0...1).contains(p))
            stageProgress[stage] = p
        }
        let output = events.last?["output"] as? String
        #expect(output?.contains("Item 4: alpha beta") == true, "\(output ?? "nil")")
        #expect(!r.stderr.contains("\u{1B}"))
    }

    @Test("plain: clean lines on stderr, the output alone on stdout")
    func plain() async throws {
        let file = try RunPipelines.write(RunPipelines.threeStage())
        let r = try await runCLI(["run", file, "--input", "alpha beta", "--output", "plain"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(!r.stdout.contains("\u{1B}") && !r.stderr.contains("\u{1B}"), "no escape sequences in plain output")
        #expect(r.stdout.hasPrefix("Item 1: alpha beta"), "\(r.stdout)")
        #expect(r.stdout.contains("Item 4: alpha beta"))
        let lines = r.errorLines
        #expect(lines.allSatisfy { $0.hasPrefix("[") }, "\(lines)")
        #expect(lines.contains("[list] started (attempt 1)"))
        #expect(lines.contains { $0.hasPrefix("[expand] item ") && $0.contains(": Item ") }, "item lines at line granularity")
        #expect(lines.contains { $0.hasPrefix("[write] ") && $0.contains("step ") })
        #expect(lines.contains { $0.hasPrefix("[pipeline] completed in ") })
        // Tokens are never printed one per line: every output line names a whole item.
        let expandLines = lines.filter { $0.hasPrefix("[expand] item ") }
        #expect(expandLines.allSatisfy { $0.hasSuffix("alpha beta") }, "\(expandLines)")
    }

    @Test("auto is plain when stderr is not a terminal")
    func autoInAPipe() async throws {
        let file = try RunPipelines.write(RunPipelines.words())
        let r = try await runCLI(["run", file, "--input", "one two three"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout == "one two three")
        #expect(!r.stderr.contains("\u{1B}"))
        #expect(r.errorLines.contains("[talk] started (attempt 1)"))
    }

    @Test("quiet prints the output only; --input-file and --set are read")
    func quietInputFileAndSet() async throws {
        let file = try RunPipelines.write("""
            name: greet
            params:
              greeting: hello
            agents:
              talker: { builtin: echo }
            stages:
              - id: talk
                agent: talker
                input: "{{ params.greeting }} {{ input }}"
            """)
        let inputFile = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("input.txt")
        try "from a file".write(to: inputFile, atomically: true, encoding: .utf8)
        let r = try await runCLI(["run", file, "--input-file", inputFile.path, "--set", "greeting=hi", "--output", "quiet"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout == "hi from a file")
        #expect(r.stderr.isEmpty, "\(r.stderr)")
    }

    @Test("an invalid file prints file:line:col diagnostics and exits 2")
    func invalidFile() async throws {
        let file = try RunPipelines.write("""
            name: bad
            agents:
              talker: { builtin: echo }
            stages:
              - id: talk
                agent: talkr
            """)
        let r = try await runCLI(["run", file, "--input", "x"])
        #expect(r.exitCode == 2)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("\(file):6:"), "\(r.stderr)")
        #expect(r.stderr.contains(": error: "))

        let missing = try await runCLI(["run", file + ".missing", "--input", "x"])
        #expect(missing.exitCode == 2)
        #expect(missing.stderr.contains("error: "))
    }

    @Test("bad usage exits 2")
    func badUsage() async throws {
        let file = try RunPipelines.write(RunPipelines.words())
        for arguments in [["run", file, "--output", "fancy"], ["run", file, "--input", "a", "--input-file", "b"], ["run", file, "--set", "nonsense"], ["run"]] {
            let r = try await runCLI(arguments)
            #expect(r.exitCode == 2, "\(arguments): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
    }

    @Test("a failing pipeline exits 1 with one error: line, in every view", arguments: ["plain", "tty", "quiet", "jsonl"])
    func failing(output: String) async throws {
        let file = try RunPipelines.write(RunPipelines.failing)
        let r = try await runCLI(["run", file, "--input", "x", "--output", output], environment: ["A2A_PIPE_COLUMNS": "80"])
        #expect(r.exitCode == 1, "\(r.stderr)")
        let errors = r.errorLines.filter { $0.hasPrefix("error:") }
        #expect(errors.count == 1, "\(r.stderr)")
        #expect(errors.first?.contains("second") == true, "the error names the stage: \(errors)")
        #expect(r.stderr.hasSuffix(errors.first.map { $0 + "\n" } ?? "-"), "the error line comes last")
        if output == "jsonl" {
            let events = try Self.jsonLines(r.stdout)
            #expect(events.last?["type"] as? String == "pipeline.failed")
            #expect(events.last?["stage"] as? String == "second")
        } else {
            #expect(r.stdout.isEmpty)
        }
        if output == "tty" {
            #expect(r.stderr.contains("\u{1B}[?25h"), "the cursor is shown again")
        }
    }

    @Test("Ctrl-C cancels the run and exits 130", arguments: ["jsonl", "tty"])
    func interrupt(output: String) async throws {
        let file = try RunPipelines.write(RunPipelines.words(delay: "300ms"))
        let words = (1...100).map { "word\($0)" }.joined(separator: " ")
        let program = try RunningProgram(CLI.executable, arguments: ["run", file, "--input", words, "--output", output],
                                         environment: ["A2A_PIPE_COLUMNS": "80"])
        let deadline = ContinuousClock.now + .seconds(30)
        let text = { output == "jsonl" ? program.stdoutText() : program.stderrText() }
        while !text().contains("\n"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(text().contains("\n"), "the run started")
        try await Task.sleep(for: .milliseconds(400))
        program.send(SIGINT)
        let status = await program.wait(timeout: .seconds(10))
        if status == nil { await program.stop() }
        #expect(status == 130, "stderr: \(program.stderrText())")
        #expect(program.stderrText().contains("interrupted"))
        if output == "tty" {
            let stderr = program.stderrText()
            let shown = stderr.range(of: "\u{1B}[?25h", options: .backwards)
            let hidden = stderr.range(of: "\u{1B}[?25l", options: .backwards)
            #expect(shown != nil && hidden != nil && hidden!.lowerBound < shown!.lowerBound, "the cursor is shown again after Ctrl-C")
        }
        if output == "jsonl" {
            for line in program.stdoutText().split(separator: "\n") {
                #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "\(line)")
            }
        }
    }
}
