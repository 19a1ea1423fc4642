import Foundation
import PeerSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The live web page of `a2a-pipe serve` (docs/web.md), in a real headless Chromium (Debian's
/// `chromium`, installed by the test set-up if missing) driven over the DevTools protocol.
/// The page talks to the server only over A2A 1.0 JSON-RPC, like any client. Serialized: one
/// Chromium at a time, so the suite does not starve the timing-sensitive suites beside it.
@Suite("a2a-pipe serve: web page", .serialized, .timeLimit(.minutes(5)))
struct WebPageTests {
    /// Every stage of the page's graph: `[id, state, progress]`.
    static let stagesJS = "JSON.stringify([...document.querySelectorAll('[data-stage]')].map(g => [g.dataset.stage, g.dataset.state, g.dataset.progress]))"
    static let idle = BrowserStep.wait("document.body.dataset.run === 'idle'", timeout: 30)
    /// The Markdown view (drawn once per animation frame) has caught up with the plain text.
    static let rendered = BrowserStep.wait(
        "document.getElementById('output').dataset.chars === String(document.getElementById('output-raw').textContent.length)", timeout: 10)

    static func write(_ yaml: String, name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent(name)
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    static func stages(_ run: BrowserRun) -> [[String]] {
        guard let text = run.string("stages"), let rows = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String]] else { return [] }
        return rows
    }

    /// Polls `condition` until it holds, for at most `seconds` (a hang guard, not a timing).
    static func eventually(seconds: Int = 20, _ condition: () -> Bool) async -> Bool {
        for _ in 0..<(seconds * 20) {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }

    @Test("a run from the page: every stage completes, the bar reaches 100%, the output is what a2a-pipe run prints")
    func runFromThePage() async throws {
        try await withPeer(.sdk13) { peer in
            // A real a2a-sdk 1.3.0 peer, a for_each stage over its lines and a built-in restream.
            let file = try Self.write("""
                name: web-run
                description: A remote a2a-sdk agent, a for_each stage and a built-in one.
                agents:
                  remote: { url: "\(peer.url)" }
                  words: { builtin: words, with: { delay: 5ms } }
                  echo: { builtin: echo }
                stages:
                  - id: fetch
                    agent: remote
                  - id: each
                    agent: echo
                    for_each: { from: fetch }
                  - id: restream
                    agent: words
                    input: "{{ stages.each.output }}"
                output: restream
                """, name: "web-run.yaml")
            let input = "streams *flow* through `stages` <b>bold</b>"
            let run = try await CLI.run("run", file.path, "--input", input, "--output", "quiet")
            #expect(run.exitCode == 0, "\(run.stderr)")
            let expected = run.stdout
            #expect(expected.contains("streams"))

            let (server, url) = try await ServeCommandTests.serve(file)
            defer { Task { await server.stop() } }
            let page = try await Chromium.drive(url, steps: [
                Self.idle,
                .eval("document.querySelectorAll('.edge.for-each').length", name: "forEachEdges"),
                .eval("document.querySelectorAll('.edge.whole').length", name: "wholeEdges"),
                .type("#input", text: input),
                .click("#run"),
                .wait("document.body.dataset.run === 'completed'", timeout: 60),
                .eval(Self.stagesJS, name: "stages"),
                .eval("document.getElementById('overall').getAttribute('aria-valuenow')", name: "overall"),
                .eval("document.getElementById('output-raw').textContent", name: "raw"),
                Self.rendered,
                .eval("document.getElementById('output').textContent", name: "rendered"),
                .eval("document.querySelectorAll('#output b').length", name: "htmlElements"),
            ])
            #expect(page.exceptions.isEmpty, "\(page.exceptions)")
            let stages = Self.stages(page)
            #expect(stages.map { $0[0] } == ["fetch", "each", "restream"])
            #expect(stages.allSatisfy { $0[1] == "completed" && $0[2] == "1" }, "\(stages)")
            #expect(page.string("overall") == "100")
            #expect(page.string("raw") == expected)
            // Rendered as Markdown (emphasis, code), with the agent's HTML kept as text.
            #expect(page.string("rendered")?.contains("<b>bold</b>") == true)
            #expect((page.value("htmlElements") as? Int) == 0)
            #expect((page.value("forEachEdges") as? Int) == 1)
            #expect((page.value("wholeEdges") as? Int) == 2)  // each → restream, restream → output
            await server.stop()
        }
    }

    @Test("Cancel on the page cancels the run, and the remote peer gets the cancel")
    func cancelFromThePage() async throws {
        let cancelLog = FileManager.default.temporaryDirectory.appendingPathComponent("web-cancel-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: cancelLog) }
        try await withPeer(.sdk13, environment: ["PEER_CANCEL_LOG": cancelLog.path]) { peer in
            let file = try Self.write("""
                name: web-cancel
                agents:
                  remote: { url: "\(peer.url)" }
                  echo: { builtin: echo }
                stages:
                  - id: first
                    agent: echo
                  - id: long
                    agent: remote
                    input: long
                    needs: [first]
                output: long
                """, name: "web-cancel.yaml")
            let (server, url) = try await ServeCommandTests.serve(file)
            defer { Task { await server.stop() } }
            let page = try await Chromium.drive(url, steps: [
                Self.idle,
                .type("#input", text: "go"),
                .click("#run"),
                // Mid-run: the remote stage streams its 60 s task (its tail shows the peer's ticks).
                .wait("document.querySelector('[data-stage=\"long\"] .tail').textContent.includes('tick') && !document.getElementById('cancel').disabled", timeout: 60),
                .click("#cancel"),
                .wait("document.body.dataset.run === 'canceled'", timeout: 30),
                .eval(Self.stagesJS, name: "stages"),
                .eval("document.getElementById('run-status').textContent", name: "status"),
            ])
            #expect(page.exceptions.isEmpty, "\(page.exceptions)")
            let stages = Self.stages(page)
            #expect(stages.first { $0[0] == "first" }?[1] == "completed", "\(stages)")
            #expect(stages.first { $0[0] == "long" }?[1] != "completed", "\(stages)")
            #expect(page.string("status")?.hasPrefix("Canceled") == true)
            let logged = await Self.eventually {
                !((try? String(contentsOf: cancelLog, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            }
            #expect(logged, "the remote peer never got a CancelTask")
            await server.stop()
        }
    }

    @Test("agent output with <script> and HTML is shown as text and never runs")
    func agentHTMLIsText() async throws {
        let file = try Self.write("""
            name: web-xss
            description: "</script><script>document.title='pwned-by-description'</script>"
            agents:
              echo: { builtin: echo }
            stages:
              - id: say
                agent: echo
            output: say
            """, name: "web-xss.yaml")
        let hostile = """
            <script>document.title='pwned'; window.__pwned = 1;</script>
            <img src=x onerror="window.__pwned = 2; document.title='pwned-img'">
            # Title <svg onload="window.__pwned = 3"></svg>
            [click](javascript:window.__pwned=4) and **<i>bold</i>**
            """
        let (server, url) = try await ServeCommandTests.serve(file)
        defer { Task { await server.stop() } }
        let page = try await Chromium.drive(url, steps: [
            Self.idle,
            .eval("document.title", name: "titleBefore"),
            .type("#input", text: hostile),
            .click("#run"),
            .wait("document.body.dataset.run === 'completed'", timeout: 60),
            Self.rendered,
            .eval("document.title", name: "title"),
            .eval("String(window.__pwned)", name: "pwned"),
            .eval("document.querySelectorAll('#output script, #output img, #output svg, #output i, #output a').length", name: "elements"),
            .eval("document.getElementById('output').textContent", name: "rendered"),
            .eval("document.getElementById('output-raw').textContent", name: "raw"),
            .eval("document.getElementById('pipeline-description').textContent", name: "description"),
        ])
        #expect(page.exceptions.isEmpty, "\(page.exceptions)")
        #expect(page.string("titleBefore") == "web-xss · a2a-pipe")
        #expect(page.string("title") == "web-xss · a2a-pipe")
        #expect(page.string("pwned") == "undefined")
        #expect((page.value("elements") as? Int) == 0)
        #expect(page.string("raw") == hostile)
        let rendered = page.string("rendered") ?? ""
        for fragment in ["<script>document.title='pwned'", "<img src=x onerror=", "<svg onload=", "<i>bold</i>", "javascript:"] {
            #expect(rendered.contains(fragment), "\(fragment) is not shown as text in: \(rendered)")
        }
        #expect(page.string("description") == "</script><script>document.title='pwned-by-description'</script>")
        await server.stop()
    }

    @Test("a stage's question is shown, and the answer typed on the page continues the run")
    func answerAQuestion() async throws {
        try await withPeer(.sdk13) { peer in
            let file = try Self.write("""
                name: web-ask
                agents:
                  remote: { url: "\(peer.url)" }
                stages:
                  - id: asker
                    agent: remote
                """, name: "web-ask.yaml")
            let (server, url) = try await ServeCommandTests.serve(file)
            defer { Task { await server.stop() } }
            let page = try await Chromium.drive(url, steps: [
                Self.idle,
                .type("#input", text: "ask"),
                .click("#run"),
                .wait("document.body.dataset.run === 'input-required'", timeout: 60),
                .eval("document.getElementById('run-status').textContent", name: "question"),
                .eval("document.getElementById('run').textContent", name: "button"),
                .eval("document.querySelector('[data-stage=\"asker\"]').dataset.state", name: "stageState"),
                .type("#input", text: "cats"),
                .click("#run"),
                .wait("document.body.dataset.run === 'completed'", timeout: 60),
                .eval("document.getElementById('output-raw').textContent", name: "raw"),
            ])
            #expect(page.exceptions.isEmpty, "\(page.exceptions)")
            #expect(page.string("question")?.contains("Which topic?") == true, "\(page.string("question") ?? "")")
            #expect(page.string("button") == "Answer")
            #expect(page.string("stageState") == "input-required")
            #expect(page.string("raw")?.contains("You said: cats") == true, "\(page.string("raw") ?? "")")
            await server.stop()
        }
    }

    @Test("a failed stage is shown with its error and a Retry that runs the input again")
    func failedStageShowsErrorAndRetry() async throws {
        let file = try Self.write("""
            name: web-fail
            agents:
              echo: { builtin: echo }
              broken: { builtin: exec, with: { command: ["sh", "-c", "cat >/dev/null; echo 'disk is full' >&2; exit 3"] } }
            stages:
              - id: first
                agent: echo
              - id: second
                agent: broken
              - id: third
                agent: echo
                input: "{{ stages.second.output }}"
            output: third
            """, name: "web-fail.yaml")
        let (server, url) = try await ServeCommandTests.serve(file)
        defer { Task { await server.stop() } }
        let page = try await Chromium.drive(url, steps: [
            Self.idle,
            .type("#input", text: "hello"),
            .click("#run"),
            .wait("document.body.dataset.run === 'failed'", timeout: 60),
            .eval(Self.stagesJS, name: "stages"),
            .eval("document.getElementById('error').hidden", name: "errorHidden"),
            .eval("document.getElementById('error-text').textContent", name: "error"),
            .click("#retry"),
            .wait("document.body.dataset.runs === '2' && document.body.dataset.run === 'failed'", timeout: 60),
        ])
        #expect(page.exceptions.isEmpty, "\(page.exceptions)")
        #expect(Self.stages(page).map { $0[1] } == ["completed", "failed", "skipped"])
        #expect((page.value("errorHidden") as? Bool) == false)
        let error = page.string("error") ?? ""
        #expect(error.contains("stage second failed") && error.contains("exited with status 3"), "\(error)")
        await server.stop()
    }

    @Test("a server that goes away mid-run shows 'connection lost' with a Retry")
    func lostConnectionIsShown() async throws {
        let file = try Self.write("""
            name: web-lost
            agents:
              words: { builtin: words, with: { delay: 200ms } }
            stages:
              - id: slow
                agent: words
            """, name: "web-lost.yaml")
        let mark = FileManager.default.temporaryDirectory.appendingPathComponent("web-lost-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: mark) }
        let (server, url) = try await ServeCommandTests.serve(file)
        defer { Task { await server.stop() } }
        async let drive = Chromium.drive(url, steps: [
            Self.idle,
            .type("#input", text: (1...100).map { "w\($0)" }.joined(separator: " ")),
            .click("#run"),
            .wait("document.getElementById('output-raw').textContent.includes('w2 ')", timeout: 60),
            .mark(path: mark.path),
            .wait("document.body.dataset.run === 'lost'", timeout: 60),
            .eval("document.getElementById('error').hidden", name: "errorHidden"),
            .eval("document.getElementById('error-title').textContent", name: "title"),
            .eval("document.getElementById('retry').hidden", name: "retryHidden"),
        ])
        // The page is mid-run: kill the server under it (SIGTERM would shut down gracefully
        // and end the stream with a canceled state instead).
        let reached = await Self.eventually(seconds: 90) { FileManager.default.fileExists(atPath: mark.path) }
        server.send(SIGKILL)
        let page = try await drive
        #expect(reached)
        #expect(page.exceptions.isEmpty, "\(page.exceptions)")
        #expect((page.value("errorHidden") as? Bool) == false)
        #expect(page.string("title") == "Connection lost.")
        #expect((page.value("retryHidden") as? Bool) == false)
    }

    @Test("reloading the page mid-run re-attaches with SubscribeToTask and follows the run to its end")
    func reloadReattaches() async throws {
        let file = try Self.write("""
            name: web-reload
            agents:
              words: { builtin: words, with: { delay: 100ms } }
            stages:
              - id: slow
                agent: words
            output: slow
            """, name: "web-reload.yaml")
        let input = (1...40).map { "word\($0)" }.joined(separator: " ")
        let run = try await CLI.run("run", file.path, "--input", input, "--output", "quiet")
        #expect(run.exitCode == 0, "\(run.stderr)")
        let (server, url) = try await ServeCommandTests.serve(file)
        defer { Task { await server.stop() } }
        let page = try await Chromium.drive(url, steps: [
            Self.idle,
            .type("#input", text: input),
            .click("#run"),
            .wait("document.getElementById('output-raw').textContent.includes('word3 ')", timeout: 30),
            .reload,
            .wait("document.body.dataset.run === 'completed'", timeout: 60),
            .eval("document.body.dataset.attach", name: "attach"),
            .eval("document.getElementById('output-raw').textContent", name: "raw"),
            .eval("document.getElementById('input').value", name: "input"),
            .eval(Self.stagesJS, name: "stages"),
        ])
        #expect(page.exceptions.isEmpty, "\(page.exceptions)")
        // It followed the live run (not just read the finished task): the run outlived the
        // stream the reload closed.
        #expect(page.string("attach") == "subscribe")
        #expect(page.string("raw") == run.stdout)
        #expect(page.string("input") == input)
        #expect(Self.stages(page).first?[1] == "completed")
        await server.stop()
    }

    @Test("GET / serves the page with a strict Content-Security-Policy; POST / stays the JSON-RPC endpoint")
    func pageAndEndpointShareSlash() async throws {
        let file = try Self.write("""
            name: web-routes
            agents:
              echo: { builtin: echo }
            stages:
              - id: say
                agent: echo
            """, name: "web-routes.yaml")
        let (server, url) = try await ServeCommandTests.serve(file)
        defer { Task { await server.stop() } }
        let base = url.hasSuffix("/") ? url : url + "/"
        let (body, response) = try await URLSession.shared.data(from: try #require(URL(string: base)))
        let http = try #require(response as? HTTPURLResponse)
        #expect(http.statusCode == 200)
        #expect(http.value(forHTTPHeaderField: "Content-Type")?.hasPrefix("text/html") == true)
        let csp = http.value(forHTTPHeaderField: "Content-Security-Policy") ?? ""
        #expect(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "\(csp)")
        let html = String(decoding: body, as: UTF8.self)
        #expect(html.contains("\"name\":\"web-routes\""))
        for asset in ["web/app.js", "web/app.css"] {
            let (_, r) = try await URLSession.shared.data(from: try #require(URL(string: base + asset)))
            #expect((r as? HTTPURLResponse)?.statusCode == 200, "\(asset)")
        }
        let called = try await CLI.run("call", url, "still JSON-RPC")
        #expect(called.exitCode == 0, "\(called.stderr)")
        #expect(called.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "still JSON-RPC")
        await server.stop()
    }
}
