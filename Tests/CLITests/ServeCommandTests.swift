import Foundation
import PeerSupport
import Testing

/// `a2a-pipe serve` end to end: a served pipeline whose first stage is a real a2a-sdk 1.3.0
/// agent, called by the real a2a-sdk 1.3.0, a2a-sdk 0.3.26 and python-a2a clients, and by our
/// own `call`/`task`. Every client must get exactly what `a2a-pipe run` prints on stdout.
@Suite("a2a-pipe serve", .timeLimit(.minutes(5)))
struct ServeCommandTests {
    static let progressURI = "https://a2a-pipe.dev/extensions/progress/v1"

    /// A pipeline: the remote peer streams the input back word by word, then a built-in agent
    /// re-streams it word by word.
    static func pipeline(peer: Peer) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("served.yaml")
        try """
        name: served
        description: A remote a2a-sdk agent, then a built-in one.
        agents:
          remote: { url: "\(peer.url)" }
          words: { builtin: words, with: { delay: 5ms } }
        stages:
          - id: fetch
            agent: remote
          - id: restream
            agent: words
            input: "{{ stages.fetch.output }}"
        output: restream
        """.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Starts `a2a-pipe serve` on a free port and returns it with its URL.
    static func serve(_ file: URL, arguments: [String] = [], environment: [String: String] = [:]) async throws -> (RunningProgram, String) {
        try await start(["serve", file.path, "--port", "0"] + arguments, environment: environment)
    }

    /// Starts `a2a-pipe` with `arguments` (a `serve` or `agent` command line) and returns it
    /// with the URL it serves at.
    static func serve(arguments: [String]) async throws -> (RunningProgram, String) {
        try await start(arguments)
    }

    /// Starts an `a2a-pipe` command that serves (`serve …`, `agent …`) and returns it with its
    /// URL, read from its "serving … at URL" line.
    static func start(_ arguments: [String], environment: [String: String] = [:]) async throws -> (RunningProgram, String) {
        let server = try RunningProgram(CLI.executable, arguments: arguments, environment: environment)
        // Its one readiness signal is the "serving … at URL" line; wait for it, bounded.
        for _ in 0..<400 {
            let err = server.stderrText()
            if let range = err.range(of: "at http://") {
                let url = String(err[err.index(range.lowerBound, offsetBy: 3)...].prefix { !$0.isNewline })
                return (server, url)
            }
            if let status = await server.wait(timeout: .milliseconds(25)) {
                throw PeerSupportError.timedOut(what: "a2a-pipe serve exited \(status)", seconds: 0, outputTail: err)
            }
        }
        await server.stop()
        throw PeerSupportError.timedOut(what: "a2a-pipe serve", seconds: 10, outputTail: server.stderrText())
    }

    static func jsonLines(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    static func texts(ofParts parts: Any?) -> String {
        ((parts as? [[String: Any]]) ?? []).compactMap { $0["text"] as? String }.joined()
    }

    @Test("every client streams the same text as a2a-pipe run, and the SDK clients see progress")
    func clientsGetWhatRunPrints() async throws {
        try await withPeer(.sdk13) { peer in
            let file = try Self.pipeline(peer: peer)
            let input = "streams flow through stages"
            let run = try await CLI.run("run", file.path, "--input", input, "--output", "quiet")
            #expect(run.exitCode == 0, "\(run.stderr)")
            let expected = run.stdout
            #expect(expected.contains("streams") && expected.contains("stages"))

            let (server, url) = try await Self.serve(file)
            defer { Task { await server.stop() } }

            // a2a-pipe's own client.
            let ours = try await CLI.run("call", url, input)
            #expect(ours.exitCode == 0, "\(ours.stderr)")
            #expect(ours.stdout == expected)

            // a2a-sdk 1.3.0 (A2A 1.0).
            let s13 = try await runPythonClient(script: "sdk13_client.py", venv: .sdk13, arguments: [url, input])
            #expect(s13.exitCode == 0, "\(s13.stdout)\n\(s13.stderr)")
            let e13 = Self.jsonLines(s13.stdout)
            let text13 = e13.compactMap { ($0["artifactUpdate"] as? [String: Any])?["artifact"] as? [String: Any] }
                .map { Self.texts(ofParts: $0["parts"]) }.joined()
            #expect(text13 == expected)
            let progress13 = e13.compactMap { (($0["statusUpdate"] as? [String: Any])?["metadata"] as? [String: Any])?[Self.progressURI] as? [String: Any] }
            #expect(!progress13.isEmpty, "status updates carry the progress extension payload")
            #expect((progress13.last?["stages"] as? [[String: Any]])?.map { $0["id"] as? String } == ["fetch", "restream"])
            #expect(e13.last.flatMap { ($0["statusUpdate"] as? [String: Any])?["status"] as? [String: Any] }?["state"] as? String == "TASK_STATE_COMPLETED")

            // a2a-sdk 0.3.26 (A2A 0.3).
            let s03 = try await runPythonClient(script: "sdk03_client.py", venv: .sdk03, arguments: [url, input])
            #expect(s03.exitCode == 0, "\(s03.stdout)\n\(s03.stderr)")
            let e03 = Self.jsonLines(s03.stdout)
            let text03 = e03.filter { $0["kind"] as? String == "artifact-update" }
                .compactMap { $0["artifact"] as? [String: Any] }.map { Self.texts(ofParts: $0["parts"]) }.joined()
            #expect(text03 == expected)
            #expect(e03.contains { (($0["metadata"] as? [String: Any])?[Self.progressURI]) != nil })

            // python-a2a's StreamingClient and A2AClient.
            for mode in ["streaming", "a2aclient"] {
                let pa = try await runPythonClient(script: "pa2a_client.py", venv: .pythonA2A, arguments: [url, input, "--mode", mode])
                #expect(pa.exitCode == 0, "\(pa.stdout)\n\(pa.stderr)")
                let chunks = Self.jsonLines(pa.stdout).compactMap { line -> String? in
                    if let s = line["content"] as? String { return s }
                    return line["text"] as? String
                }
                #expect(chunks.joined() == expected, "python-a2a \(mode)")
            }
            await server.stop()
        }
    }

    @Test("a second client subscribes to a running served pipeline; get returns the output after")
    func subscribeAndGet() async throws {
        try await withPeer(.sdk13) { peer in
            let file = try Self.pipeline(peer: peer)
            let input = "slow:0.3 one two three four five"
            let run = try await CLI.run("run", file.path, "--input", input, "--output", "quiet")
            #expect(run.exitCode == 0, "\(run.stderr)")
            let (server, url) = try await Self.serve(file)
            let started = try await CLI.run("call", url, input, "--detach")
            #expect(started.exitCode == 0, "\(started.stderr)")
            let id = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let watched = try await CLI.run("task", "watch", url, id)
            #expect(watched.exitCode == 0, "\(watched.stderr)")
            #expect(watched.stdout == run.stdout)
            let got = try await CLI.run("task", "get", url, id)
            #expect(got.stderr.contains("completed"))
            #expect(got.stdout.hasPrefix(run.stdout))
            let card = try await CLI.run("card", url, "--json")
            #expect(card.stdout.contains(Self.progressURI))
            #expect(card.stdout.contains("\"name\":\"served\""))
            await server.stop()
        }
    }
}
