import Foundation
import PeerSupport
import Testing

/// The defects a new user met in their first hour (issue 13): each is a command line as the
/// README gives it, run end to end.
@Suite("a2a-pipe: first-hour defects", .timeLimit(.minutes(3)))
struct FirstHourTests {
    static func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("first-hour-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("an llm server that is not running is one short line naming the stage, the URL and the cause")
    func llmConnectionRefused() async throws {
        let port = try freePort()  // free a moment ago: nothing listens there
        let file = try RunPipelines.write("""
            name: llmfail
            agents:
              critic: { builtin: llm, with: { base_url: "http://127.0.0.1:\(port)/v1", model: tiny } }
            stages:
              - id: critique
                agent: critic
                retry: { attempts: 3, backoff: 10ms }
            """)
        let r = try await runCLI(["run", file, "--input", "x", "--output", "plain"])
        #expect(r.exitCode == 1)
        let errors = r.errorLines.filter { $0.hasPrefix("error:") }
        let line = try #require(errors.first, "\(r.stderr)")
        #expect(errors.count == 1)
        #expect(line.contains("stage 'critique'"), "\(line)")
        #expect(line.contains("llm at http://127.0.0.1:\(port)/v1"), "\(line)")
        #expect(line.contains("connection refused at 127.0.0.1:\(port) — is the server running?"), "\(line)")
        #expect(line.contains("attempt 3 of 3"), "\(line)")
        #expect(!r.stderr.contains("NSError") && !r.stderr.contains("UserInfo"), "\(r.stderr)")
        #expect(line.count < 250, "\(line)")
    }

    @Test("a leading ~ in a path setting is the home folder, in the file and in --set")
    func tildeInPathSettings() async throws {
        let home = try Self.folder()
        let notes = home.appendingPathComponent("notes")
        try FileManager.default.createDirectory(at: notes, withIntermediateDirectories: true)
        try "Zebras graze on the savanna in large herds.".write(to: notes.appendingPathComponent("zebra.md"), atomically: true, encoding: .utf8)
        let file = try RunPipelines.write("""
            name: tilde
            params:
              corpus: "~/notes"
            agents:
              finder: { builtin: search, with: { corpus: "{{ params.corpus }}" } }
            stages:
              - id: find
                agent: finder
            """)
        // The file's own value, then --set with a quoted ~ (no shell expansion).
        for extra in [[], ["--set", "corpus=~/notes"]] {
            let r = try await runCLI(["run", file, "--input", "zebras", "--output", "quiet"] + extra,
                                     environment: ["HOME": home.path, "A2A_PIPE_CACHE_DIR": home.appendingPathComponent("cache").path])
            #expect(r.exitCode == 0, "\(r.stderr)")
            #expect(r.stdout.contains("zebra.md"), "\(extra): \(r.stdout) \(r.stderr)")
        }
    }

    @Test("a second run reads the search index the first one stored, and a changed corpus is re-indexed")
    func searchIndexIsKeptOnDisk() async throws {
        let dir = try Self.folder()
        let corpus = dir.appendingPathComponent("corpus"), cache = dir.appendingPathComponent("cache")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        try "# Zebra\n\nZebras graze on the savanna.".write(to: corpus.appendingPathComponent("zebra.md"), atomically: true, encoding: .utf8)
        let file = try RunPipelines.write("""
            name: find
            agents:
              finder: { builtin: search, with: { corpus: "\(corpus.path)" } }
            stages:
              - id: find
                agent: finder
            """)
        func run() async throws -> CLI.Result {
            try await runCLI(["run", file, "--input", "zebras", "--output", "quiet"], environment: ["A2A_PIPE_CACHE_DIR": cache.path])
        }
        func stored() throws -> (name: String, inode: Int) {
            let names = try FileManager.default.contentsOfDirectory(atPath: cache.path)
            try #require(names.count == 1, "\(names)")
            let attributes = try FileManager.default.attributesOfItem(atPath: cache.appendingPathComponent(names[0]).path)
            return (names[0], (attributes[.systemFileNumber] as? Int) ?? -1)
        }
        let first = try await run()
        #expect(first.exitCode == 0 && first.stdout.contains("zebra.md"), "\(first.stderr)")
        let afterFirst = try stored()
        // The second run finds the index and does not write it again (the same file, not a rename).
        let second = try await run()
        #expect(second.stdout == first.stdout)
        #expect(try stored() == afterFirst)
        // A new file: the stored index is stale, so the run re-indexes (a new file replaces it).
        try "# Okapi\n\nThe okapi is a zebra-striped giraffe.".write(to: corpus.appendingPathComponent("okapi.md"), atomically: true, encoding: .utf8)
        let third = try await run()
        #expect(third.stdout.contains("okapi.md"), "\(third.stdout)")
        #expect(try stored().inode != afterFirst.inode)
    }

    /// Runs `a2a-pipe ARGS` with a terminal (a pseudo-terminal) as its standard input, typing
    /// `typed` (then Ctrl-D) once the program has printed `waitFor` on stderr (or at once).
    static func runOnTerminal(_ arguments: [String], typed: String? = nil) async throws -> CLI.Result {
        let driver = """
            import os, select, subprocess, sys, time
            master, slave = os.openpty()
            p = subprocess.Popen(sys.argv[2:], stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            os.close(slave)
            typed = sys.argv[1]
            if typed != "-":
                # Type only once the program waits on the terminal (its hint is on stderr).
                err = b""
                deadline = time.time() + 60
                while b"Ctrl-D" not in err and time.time() < deadline:
                    r, _, _ = select.select([p.stderr], [], [], 0.1)
                    if r:
                        err += os.read(p.stderr.fileno(), 4096)
                os.write(master, typed.encode() + b"\\n\\x04")
                out, rest = p.communicate(timeout=60)
                sys.stderr.buffer.write(err + rest)
            else:
                out, rest = p.communicate(timeout=60)
                sys.stderr.buffer.write(rest)
            sys.stdout.buffer.write(out)
            sys.exit(p.returncode)
            """
        let r = try await runProgram(URL(fileURLWithPath: "/usr/bin/env"),
                                     arguments: ["python3", "-c", driver, typed ?? "-", CLI.executable.path] + arguments,
                                     timeout: .seconds(120))
        return CLI.Result(exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr)
    }

    @Test("a pipeline that never reads {{ input }} does not wait on a terminal")
    func noInputNoWait() async throws {
        let file = try RunPipelines.write("""
            name: hello
            agents:
              lister: { builtin: exec, with: { command: ["printf", "alpha\\nbeta\\n"] } }
            stages:
              - id: list
                agent: lister
            """)
        let r = try await Self.runOnTerminal(["run", file, "--output", "quiet"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("alpha\nbeta\n"), "\(r.stdout)")
        #expect(!r.stderr.contains("standard input"), "\(r.stderr)")
    }

    @Test("a pipeline that reads {{ input }} says it waits for it on a terminal, then reads it")
    func inputOnTerminal() async throws {
        let file = try RunPipelines.write("""
            name: shout
            agents:
              echo: { builtin: echo }
            stages:
              - id: say
                agent: echo
                input: "you said: {{ input }}"
            """)
        let r = try await Self.runOnTerminal(["run", file, "--output", "quiet"], typed: "hello there")
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stderr.contains("reading the pipeline's input from standard input; end it with Ctrl-D (or give --input TEXT)"), "\(r.stderr)")
        #expect(r.stdout.hasPrefix("you said: hello there"), "\(r.stdout)")
    }

    @Test("validate and run check --set values against the param's type and its uses, exit 2")
    func setValuesAreTypeChecked() async throws {
        let file = try RunPipelines.write("""
            name: typed
            params:
              hits: 5
              wait: 10ms
              label: "n"
            agents:
              finder: { builtin: search, with: { corpus: ".", top: "{{ params.hits }}" } }
              talker: { builtin: words, with: { delay: "{{ params.wait }}" } }
            stages:
              - id: find
                agent: finder
              - id: talk
                agent: talker
                input: "{{ params.label }}"
            """)
        for command in ["validate", "run"] {
            let r = try await runCLI([command, file, "--set", "hits=abc"] + (command == "run" ? ["--input", "x"] : []))
            #expect(r.exitCode == 2, "\(command): \(r.stderr)")
            #expect(r.stderr.contains("--set hits=abc: param 'hits' is a whole number (its default is 5); give a whole number"), "\(r.stderr)")
        }
        // A text param used where a duration is needed is checked through its use.
        let r = try await runCLI(["validate", file, "--set", "wait=soon"])
        #expect(r.exitCode == 2)
        #expect(r.stderr.contains("--set wait=soon, but 'delay' of builtin 'words' needs a duration like 500ms or 30s"), "\(r.stderr)")
        // Good values pass.
        let ok = try await runCLI(["validate", file, "--set", "hits=3", "--set", "wait=1ms", "--set", "label=anything"])
        #expect(ok.exitCode == 0, "\(ok.stderr)")
    }

    @Test("JSON Lines carry ts on every line and stage.task with the remote agent's own task and context ids")
    func jsonLinesNameTheRemoteTask() async throws {
        try await withPeer(.sdk13) { peer in
            let file = try RunPipelines.write("""
                name: remote
                agents:
                  peer: { url: "\(peer.url)" }
                stages:
                  - id: ask
                    agent: peer
                """)
            let r = try await runCLI(["run", file, "--input", "one two", "--output", "jsonl"])
            #expect(r.exitCode == 0, "\(r.stderr)")
            let events = try RunCommandTests.jsonLines(r.stdout)
            #expect(!events.isEmpty && events.allSatisfy { ($0["ts"] as? String)?.hasSuffix("Z") == true }, "\(r.stdout)")
            let tasks = events.filter { $0["type"] as? String == "stage.task" }
            try #require(tasks.count == 1, "\(r.stdout)")
            #expect(tasks[0]["stage"] as? String == "ask")
            #expect(tasks[0]["agent"] as? String == peer.url)
            let id = try #require(tasks[0]["task_id"] as? String)
            let context = try #require(tasks[0]["context_id"] as? String)
            // The agent itself knows the task by that id, in that context.
            let got = try await runCLI(["task", "get", peer.url, id, "--json"])
            #expect(got.exitCode == 0, "\(got.stderr)")
            #expect(got.stdout.contains(id) && got.stdout.contains(context), "\(got.stdout)")
        }
    }

    @Test("small ones: a mistyped command, an empty input, a for_each with no items")
    func smallNotices() async throws {
        let typo = try await runCLI(["rn", "x.yaml"])
        #expect(typo.exitCode == 2)
        #expect(typo.errorLines == ["error: unknown command 'rn'; did you mean 'run'? commands: run, serve, call, card, task, agent, validate, graph, schema (a2a-pipe --help says more)"])
        let file = try RunPipelines.write("""
            name: none
            agents:
              lister: { builtin: exec, with: { command: ["true"] } }
              echo: { builtin: echo }
            stages:
              - id: list
                agent: lister
              - id: each
                agent: echo
                for_each: { from: list, split: lines }
            output: "# {{ input }}"
            """)
        let r = try await runCLI(["run", file, "--input", "", "--output", "plain"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stderr.contains("warning: the input is empty, and this pipeline uses {{ input }}; give --input TEXT"), "\(r.stderr)")
        #expect(r.stderr.contains("[each] 100% no items: the upstream's output split into none"), "\(r.stderr)")
    }
}
