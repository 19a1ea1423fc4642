import A2A
import A2AClient
@testable import BuiltinAgents
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What one in-process run of an agent produced.
struct AgentRun: Sendable {
    var events: [StreamResponse]
    var task: A2ATask

    var state: TaskState { task.status.state }
    var output: String { task.artifactText }
    var statusText: String { task.status.message?.text ?? "" }
    var chunks: [String] {
        events.compactMap { if case .artifactUpdate(let u) = $0 { u.artifact.parts.joinedText } else { nil } }.filter { !$0.isEmpty }
    }
    var chunkMetadata: [JSONObject] {
        events.compactMap { if case .artifactUpdate(let u) = $0 { u.metadata } else { nil } }
    }
    var statusMetadata: [JSONObject] {
        events.compactMap { if case .statusUpdate(let u) = $0 { u.metadata } else { nil } }
    }
}

/// Runs `agent` in-process on `input` (through ``AgentExecutor`` and a ``ClosureEventSink``),
/// calling `onEvent` for each event as it is sent.
func runAgent(
    _ agent: any AgentExecutor, input: String,
    onEvent: @escaping @Sendable (StreamResponse) async throws -> Void = { _ in }
) async throws -> AgentRun {
    let events = Mutex<[StreamResponse]>([])
    let context = RequestContext.newTask(Message.user(input))
    let updater = TaskUpdater(sink: ClosureEventSink { event in
        events.withLock { $0.append(event) }
        try await onEvent(event)
    }, context: context)
    var failure: (any Error)?
    do { try await agent.execute(context, updater: updater) } catch { failure = error }
    await updater.finish(error: failure)
    let all = events.withLock { $0 }
    var task = context.initialTask
    for event in all { task.apply(event) }
    return AgentRun(events: all, task: task)
}

/// The repository root (for examples/corpus).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let corpusFolder = repositoryRoot.appendingPathComponent("examples/corpus").path

/// A fresh temporary folder, removed after `body`.
func withTemporaryFolder<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("a2a-pipe-builtin-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// Whether a process ends within 10 s. The agent has already sent SIGKILL when this is asked;
/// the kernel finishes tearing a killed process down asynchronously (its pipes close, and the
/// agent returns, a moment before it becomes a zombie), so this polls `/proc` for that moment.
func processEnds(_ pid: Int32) async -> Bool {
    let deadline = ContinuousClock.now + .seconds(10)
    while ContinuousClock.now < deadline {
        if processIsGone(pid) { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return processIsGone(pid)
}

/// Whether a process is gone (no such pid, or a zombie waiting to be reaped).
func processIsGone(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
    // The state follows the parenthesised command name.
    guard let close = stat.lastIndex(of: ")") else { return true }
    let state = stat[stat.index(close, offsetBy: 2)]
    return state == "Z" || state == "X"
}

@Suite("Built-in agents")
struct BuiltinAgentTests {
    let registry = BuiltinAgentRegistry.standard

    // MARK: Registry and settings

    @Test func registryHasTheNewAgentsWithTheCatalogKeys() throws {
        let expected: [String: [String]] = [
            "exec": ["command", "shell", "timeout", "env", "cwd"],
            "llm": ["base_url", "model", "api_key_env", "system", "temperature", "max_tokens"],
            "search": ["corpus", "top", "extensions"],
            "summarize": ["sentences", "corpus"],
        ]
        for (name, keys) in expected {
            #expect(registry[name]?.settings.map(\.name) == keys, "\(name)")
        }
        #expect(throws: BuiltinAgentError.self) { try registry.makeAgent("exec") }
        #expect(throws: BuiltinAgentError.self) { try registry.makeAgent("search") }
        #expect(throws: BuiltinAgentError.self) { try registry.makeAgent("llm", settings: AgentSettings(["base_url": "ftp://x"])) }
        _ = try registry.makeAgent("llm")
        _ = try registry.makeAgent("summarize")
    }

    @Test func listAndMapSettingsParse() throws {
        #expect(AgentSettings.parseList(#"["grep", "-i", "a b"]"#) == ["grep", "-i", "a b"])
        #expect(AgentSettings.parseList(#"grep -i 'async let' "x\"y""#) == ["grep", "-i", "async let", "x\"y"])
        #expect(AgentSettings.parseList("cut -d, -f1") == ["cut", "-d,", "-f1"])
        #expect(AgentSettings.parseList("md, txt,html", commas: true) == ["md", "txt", "html"])
        #expect(AgentSettings.parseList("'open") == nil)
        #expect(AgentSettings.parseMap(#"{"A": "1", "B": 2}"#) == ["A": "1", "B": "2"])
        #expect(AgentSettings.parseMap("A=1,B=x=y") == ["A": "1", "B": "x=y"])
        let list = ["grep", "-i", "a \"b\" c", "'", "\\"]
        #expect(AgentSettings.parseList(AgentSettings.text(list: list)) == list)
        #expect(AgentSettings.parseMap(AgentSettings.text(map: [(key: "K", value: "v=1, w")])) == ["K": "v=1, w"])
        let exec = try registry.makeAgent("exec", settings: AgentSettings(["command": "echo hi", "shell": "false", "timeout": "2s", "env": "A=1"]))
        #expect((exec as? ExecAgent)?.command == ["echo", "hi"])
        #expect((exec as? ExecAgent)?.timeout == .seconds(2))
    }

    // MARK: exec

    /// The first chunk arrives while the command is still running: the command cannot end
    /// before the test creates the gate file, which it does only after seeing that chunk.
    @Test func execStreamsOutputAsItIsProduced() async throws {
        try await withTemporaryFolder { dir in
            let gate = dir + "/gate"
            let agent = ExecAgent(
                command: [#"read line; echo "first $line"; while [ ! -e "$1" ]; do sleep 0.01; done; echo second"#, gate],
                shell: true, timeout: .seconds(60))
            let seenBeforeGate = Mutex(false)
            let run = try await runAgent(agent, input: "from-stdin\n") { event in
                guard case .artifactUpdate(let u) = event, u.artifact.parts.joinedText.contains("first") else { return }
                seenBeforeGate.withLock { $0 = !FileManager.default.fileExists(atPath: gate) }
                _ = FileManager.default.createFile(atPath: gate, contents: Data())
            }
            #expect(seenBeforeGate.withLock { $0 })
            #expect(run.state == .completed)
            #expect(run.output == "first from-stdin\nsecond\n")
            #expect(run.chunks.count >= 2)
        }
    }

    @Test func execWithoutShellPassesArgumentsAsIs() async throws {
        try await withTemporaryFolder { dir in
            let agent = ExecAgent(command: ["sh", "-c", #"printf '%s|' "$@"; pwd; printf '%s' "$GREETING""#, "x", "a b", "$HOME", "*"],
                                  environment: ["GREETING": "hello"], directory: dir)
            let run = try await runAgent(agent, input: "")
            #expect(run.state == .completed)
            let real = URL(fileURLWithPath: dir).resolvingSymlinksInPath().path
            #expect(run.output == "a b|$HOME|*|\(real)\nhello" || run.output == "a b|$HOME|*|\(dir)\nhello")
        }
    }

    @Test func execNonZeroExitFailsWithTheTailOfStderr() async throws {
        var lines = (1...40).map { "echo noise \($0) >&2" }.joined(separator: "; ")
        lines += #"; echo partial; echo "boom: the thing broke" >&2; exit 3"#
        let run = try await runAgent(ExecAgent(command: [lines], shell: true), input: "")
        #expect(run.state == .failed)
        #expect(run.output == "partial\n")
        #expect(run.statusText.contains("exited with status 3"))
        #expect(run.statusText.contains("boom: the thing broke"))
        #expect(run.statusText.contains("noise 40"))
        #expect(!run.statusText.contains("noise 1\n"), "only the tail of stderr")
    }

    @Test func execMissingProgramFails() async throws {
        let run = try await runAgent(ExecAgent(command: ["a2a-pipe-no-such-program-xyz"]), input: "")
        #expect(run.state == .failed)
        #expect(run.statusText.contains("cannot run 'a2a-pipe-no-such-program-xyz'"))
    }

    /// A timeout kills the whole process group: the grandchild ignores SIGTERM, so only the
    /// group SIGKILL stops it, and it is gone when the agent returns.
    @Test func execTimeoutKillsTheProcessGroup() async throws {
        try await withTemporaryFolder { dir in
            let pidFile = dir + "/grandchild.pid"
            let script = #"(trap '' TERM; exec sleep 300) & echo $! > "$1.tmp"; mv "$1.tmp" "$1"; echo started; wait"#
            let agent = ExecAgent(command: [script, pidFile], shell: true, timeout: .seconds(2))
            let clock = ContinuousClock()
            let start = clock.now
            let run = try await runAgent(agent, input: "")
            #expect(clock.now - start < .seconds(90), "the 2 s timeout did not end the run")
            #expect(run.state == .failed)
            #expect(run.statusText.contains("timed out after 2s"))
            #expect(run.output == "started\n")
            let pid = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(await processEnds(pid), "grandchild \(pid) survived the timeout")
        }
    }

    @Test func execCancellationStopsTheCommand() async throws {
        try await withTemporaryFolder { dir in
            let pidFile = dir + "/child.pid"
            let agent = ExecAgent(command: [#"echo $$ > "$1"; echo running; exec sleep 300"#, pidFile], shell: true)
            let task = Task {
                try await runAgent(agent, input: "") { event in
                    if case .artifactUpdate = event { withUnsafeCurrentTask { $0?.cancel() } }
                }
            }
            let run = try await task.value
            #expect(run.state == .canceled)
            let pid = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(await processEnds(pid))
        }
    }

    // MARK: llm

    @Test func llmStreamsTokensAndReportsUsage() async throws {
        let server = FakeLLMServer()
        setenv("A2A_PIPE_TEST_LLM_KEY", "sk-test-123", 1)
        try await server.run { baseURL in
            var configuration = LLMAgent.Configuration()
            configuration.baseURL = baseURL
            configuration.model = "tiny"
            configuration.system = "Be brief."
            configuration.apiKeyVariable = "A2A_PIPE_TEST_LLM_KEY"
            configuration.temperature = 0.2
            configuration.maxTokens = 64
            let run = try await runAgent(try LLMAgent(configuration), input: "hello there model")
            #expect(run.state == .completed)
            #expect(run.output == "Echo: hello there model")
            #expect(run.chunks == ["Echo: ", "hello ", "there ", "model"])
            let usage = try #require(run.statusMetadata.last?["usage"]?.objectValue)
            #expect(usage["prompt_tokens"]?.intValue == 7)
            #expect(usage["completion_tokens"]?.intValue == 4)
            #expect(run.statusMetadata.last?["progress"]?.doubleValue == 1)
        }
        let request = try #require(server.requests.first)
        #expect(request.authorization == "Bearer sk-test-123")
        #expect(request.body["model"]?.stringValue == "tiny")
        #expect(request.body["stream"]?.boolValue == true)
        #expect(request.body["stream_options"]?["include_usage"]?.boolValue == true)
        #expect(request.body["max_tokens"]?.intValue == 64)
        #expect(request.body["messages"]?.arrayValue?.first?["role"]?.stringValue == "system")
        #expect(request.body["messages"]?.arrayValue?.last?["content"]?.stringValue == "hello there model")
    }

    @Test(arguments: [("error401", "HTTP 401", "Invalid API key provided"), ("error500", "HTTP 500", "The model crashed"), ("midstream", "error in the stream", "model overloaded")])
    func llmErrorResponsesFailClearly(input: String, expected: String, message: String) async throws {
        try await FakeLLMServer().run { baseURL in
            var configuration = LLMAgent.Configuration()
            configuration.baseURL = baseURL
            let run = try await runAgent(try LLMAgent(configuration), input: input)
            #expect(run.state == .failed)
            #expect(run.statusText.contains(expected), "\(run.statusText)")
            #expect(run.statusText.contains(message), "\(run.statusText)")
        }
    }

    @Test func llmUnreachableServerAndMissingKeyFail() async throws {
        var configuration = LLMAgent.Configuration()
        configuration.baseURL = "http://127.0.0.1:1/v1"
        let run = try await runAgent(try LLMAgent(configuration), input: "hi")
        #expect(run.state == .failed)
        #expect(run.statusText == "connection refused at 127.0.0.1:1 — is the server running?")
    }

    @Test func llmWithoutAKeyWorksLocallyAndExplainsA401() async throws {
        try await FakeLLMServer().run { baseURL in
            var configuration = LLMAgent.Configuration()
            configuration.baseURL = baseURL
            configuration.apiKeyVariable = "A2A_PIPE_TEST_UNSET_KEY_VARIABLE"
            // A local server that needs no key: an unset variable just means no Authorization.
            let fine = try await runAgent(try LLMAgent(configuration), input: "hi there")
            #expect(fine.state == .completed)
            // A server that wants a key: its 401 is reported with the unset variable named.
            let refused = try await runAgent(try LLMAgent(configuration), input: "error401")
            #expect(refused.state == .failed)
            #expect(refused.statusText.contains("HTTP 401"))
            #expect(refused.statusText.contains("A2A_PIPE_TEST_UNSET_KEY_VARIABLE"))
        }
    }

    // MARK: search

    /// Three questions whose answers are known documents of examples/corpus.
    @Test(arguments: [
        ("merge two async sequences into one", "swift/swift-async-algorithms/Sources/AsyncAlgorithms/AsyncAlgorithms.docc/Guides/Merge.md"),
        ("asyncio queue producer consumer workers", "python/library/asyncio-queue.html"),
        ("graceful shutdown of services on SIGTERM", "swift/swift-service-lifecycle/"),
    ])
    func searchFindsTheExpectedDocuments(question: String, expected: String) async throws {
        let run = try await runAgent(SearchAgent(corpus: corpusFolder, top: 5), input: question)
        #expect(run.state == .completed)
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        let paths = lines.compactMap { SearchIndex.Hit.parse($0)?.path }
        #expect(paths.count == 5, "every line parses: \(lines)")
        #expect(paths.contains { $0.hasPrefix(expected) }, "top 5 for '\(question)': \(lines.joined(separator: "\n"))")
    }

    @Test func searchStreamsOneLinePerHitWithMetadata() async throws {
        let run = try await runAgent(SearchAgent(corpus: corpusFolder, top: 3), input: "debounce")
        #expect(run.chunks.count == 3)
        #expect(run.chunks.allSatisfy { $0.hasSuffix("\n") && $0.dropLast().split(separator: "\n").count == 1 })
        #expect(run.chunkMetadata.first?["rank"]?.intValue == 1)
        #expect(run.chunkMetadata.first?["path"]?.stringValue?.isEmpty == false)
    }

    @Test func searchIndexIsCachedAndInvalidatedByFileChanges() async throws {
        try await withTemporaryFolder { dir in
            let cache = SearchIndexCache()
            try "# Alpha\n\nThe zebra crossing is here.".write(toFile: dir + "/a.md", atomically: true, encoding: .utf8)
            try "<html><head><title>Beta page</title></head><body><p>Nothing to see.</p></body></html>".write(toFile: dir + "/b.html", atomically: true, encoding: .utf8)
            try "ignored zebra".write(toFile: dir + "/c.json", atomically: true, encoding: .utf8)
            let agent = SearchAgent(corpus: dir, top: 5, cache: cache)
            var run = try await runAgent(agent, input: "zebras")
            #expect(run.output == "Alpha — a.md — The zebra crossing is here.\n")
            _ = try await runAgent(agent, input: "zebra")
            #expect(await cache.builds == 1)
            // A new file, then a changed file, each rebuild the index.
            try "Zebra notes\n\nA zebra, another zebra and a third zebra.".write(toFile: dir + "/d.txt", atomically: true, encoding: .utf8)
            run = try await runAgent(agent, input: "zebra")
            #expect(await cache.builds == 2)
            #expect(run.output.split(separator: "\n").first?.hasPrefix("Zebra notes — d.txt — ") == true)
            try "<html><head><title>Beta page</title></head><body><p>Zebra, zebra, zebra, zebra!</p></body></html>".write(toFile: dir + "/b.html", atomically: true, encoding: .utf8)
            run = try await runAgent(agent, input: "zebra")
            #expect(await cache.builds == 3)
            #expect(run.output.contains("Beta page — b.html — Zebra, zebra, zebra, zebra!"))
            try FileManager.default.removeItem(atPath: dir + "/a.md")
            run = try await runAgent(agent, input: "crossing")
            #expect(await cache.builds == 4)
            #expect(run.output.isEmpty)
            #expect(run.state == .completed)
        }
    }

    @Test func searchOfAMissingFolderFails() async throws {
        let run = try await runAgent(SearchAgent(corpus: "/nonexistent/a2a-pipe-corpus"), input: "x")
        #expect(run.state == .failed)
        #expect(run.statusText.contains("does not exist"))
    }

    @Test func tokenisationFoldsStemsAndDropsStopWords() {
        #expect(TextAnalysis.terms("The Café's tasks were STREAMING; running & stopped queues, classes") ==
            ["cafe", "s", "task", "stream", "run", "stop", "queue", "class"])
        #expect(TextAnalysis.stem("status") == "status")
        #expect(TextAnalysis.stem("libraries") == "library")
    }

    @Test func hitLinesRoundTrip() {
        let parsed = SearchIndex.Hit.parse("A - B — dir/x.md — snippet - more")
        #expect(parsed?.title == "A - B")
        #expect(parsed?.path == "dir/x.md")
        #expect(parsed?.snippet == "snippet - more")
        let hit = SearchIndex.Hit(path: "p.md", title: "asyncio — Asynchronous I/O", score: 1, snippet: "a\nb")
        #expect(hit.line == "asyncio - Asynchronous I/O — p.md — a b")
    }

    // MARK: summarize

    @Test func summarizeReturnsNReadableSentencesInOrder() async throws {
        let text = """
            Streaming lets an agent send its answer while it is still working. A client that \
            reads a stream sees the first words of an answer long before the last ones exist. \
            The weather was pleasant on Tuesday. Progress updates tell a client how far a \
            long task has come. Agents that stream their answers and report progress feel \
            fast to the people who use them. My cat likes fish.

            Backpressure keeps a fast producer from overwhelming a slow consumer of a stream. \
            Without backpressure, a stream buffers without bound and memory grows. Short one. \
            Streams of answers and progress are what agents exchange in a pipeline.
            """
        let run = try await runAgent(SummarizeAgent(sentences: 3), input: text)
        #expect(run.state == .completed)
        #expect(run.chunks.count == 3)
        let sentences = run.chunks.map { $0.trimmingCharacters(in: .whitespaces) }
        let positions = sentences.map { text.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil }, "each is a sentence of the input: \(sentences)")
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted(), "in original order")
        #expect(sentences.allSatisfy { $0.first!.isUppercase && ".!?".contains($0.last!) })
        #expect(!run.output.contains("cat") && !run.output.contains("weather"))
        #expect(run.output == sentences.joined(separator: " "))
    }

    @Test func summarizeReadsTheDocumentOfASearchHit() async throws {
        let search = try await runAgent(SearchAgent(corpus: corpusFolder, top: 2), input: "asyncio queue producer consumer")
        let line = try #require(search.output.split(separator: "\n").first.map(String.init))
        let hit = try #require(SearchIndex.Hit.parse(line))
        let run = try await runAgent(SummarizeAgent(sentences: 2, corpus: corpusFolder), input: line)
        #expect(run.state == .completed)
        #expect(run.chunks.count == 3)
        #expect(run.chunks.first == "\(hit.title) (\(hit.path)): ")
        #expect(run.output.count > hit.snippet.count)
        // Without `corpus`, the folders search indexed are used.
        let again = try await runAgent(SummarizeAgent(sentences: 2), input: line)
        #expect(again.output == run.output)
    }

    // MARK: Served

    @Test func searchAndSummarizeServedOverA2A() async throws {
        try await withBuiltin("search", settings: ["corpus": corpusFolder, "top": "2"]) { _, url in
            let client = A2AClient(url: url, configuration: A2AClientConfiguration(dialect: .v1_0), httpClient: testHTTPClient)
            var task = A2ATask(id: "", contextId: "", status: TaskStatus(state: .unknown))
            for try await event in client.stream(Message.user("channel backpressure")) { task.apply(event) }
            #expect(task.status.state == .completed)
            #expect(task.artifactText.split(separator: "\n").count == 2)
        }
        try await withBuiltin("exec", settings: ["command": #"["tr", "a-z", "A-Z"]"#]) { _, url in
            let client = A2AClient(url: url, configuration: A2AClientConfiguration(dialect: .v0_3), httpClient: testHTTPClient)
            var task = A2ATask(id: "", contextId: "", status: TaskStatus(state: .unknown))
            for try await event in client.stream(Message.user("shout this")) { task.apply(event) }
            #expect(task.status.state == .completed)
            #expect(task.artifactText == "SHOUT THIS")
        }
    }
}

/// The search index kept on disk between processes (issue 13, item 4).
@Suite struct SearchIndexFileTests {
    func counts(_ cache: SearchIndexCache) async -> (builds: Int, loads: Int) { (await cache.builds, await cache.loads) }

    @Test func aSecondCacheLoadsTheIndexFromDiskUntilTheFilesChange() async throws {
        try await withTemporaryFolder { dir in
            let corpus = dir + "/corpus", store = dir + "/cache"
            try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
            try "# Alpha\n\nThe zebra crossing is here.".write(toFile: corpus + "/a.md", atomically: true, encoding: .utf8)
            try "Zebra notes\n\nA zebra, another zebra and a third zebra.".write(toFile: corpus + "/d.txt", atomically: true, encoding: .utf8)
            let first = SearchIndexCache(directory: store)
            let built = try await first.index(folder: corpus, extensions: SearchAgent.defaultExtensions)
            #expect(await counts(first) == (builds: 1, loads: 0))
            // A new process (a new cache) reads it back: the same answers, no build.
            let second = SearchIndexCache(directory: store)
            let loaded = try await second.index(folder: corpus, extensions: SearchAgent.defaultExtensions)
            #expect(await counts(second) == (builds: 0, loads: 1))
            #expect(loaded.search("zebra crossing", top: 5) == built.search("zebra crossing", top: 5))
            #expect(loaded.termCount == built.termCount && loaded.documents.map(\.path) == built.documents.map(\.path))
            // A changed file makes the stored index stale: rebuilt, and stored again.
            try "Zebra notes\n\nNow about a crossing only.".write(toFile: corpus + "/d.txt", atomically: true, encoding: .utf8)
            let third = SearchIndexCache(directory: store)
            let rebuilt = try await third.index(folder: corpus, extensions: SearchAgent.defaultExtensions)
            #expect(await counts(third) == (builds: 1, loads: 0))
            #expect(rebuilt.search("another", top: 5).isEmpty)
            let fourth = SearchIndexCache(directory: store)
            _ = try await fourth.index(folder: corpus, extensions: SearchAgent.defaultExtensions)
            #expect(await fourth.loads == 1)
        }
    }

    @Test func aDamagedIndexFileIsRebuiltAndConcurrentBuildsLeaveAValidOne() async throws {
        try await withTemporaryFolder { dir in
            let corpus = dir + "/corpus", store = dir + "/cache"
            try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
            for i in 0..<40 {
                try "# Note \(i)\n\nzebra \(i) grazes near river \(i % 7).".write(toFile: corpus + "/n\(i).md", atomically: true, encoding: .utf8)
            }
            // Two processes' worth of caches build at once into the same folder.
            let caches = (0..<4).map { _ in SearchIndexCache(directory: store) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for cache in caches { group.addTask { _ = try await cache.index(folder: corpus, extensions: ["md"]) } }
                try await group.waitForAll()
            }
            let files = try FileManager.default.contentsOfDirectory(atPath: store)
            #expect(files.count == 1, "one index file, no temporary files left: \(files)")
            let reader = SearchIndexCache(directory: store)
            #expect(try await reader.index(folder: corpus, extensions: ["md"]).documents.count == 40)
            #expect(await reader.loads == 1)
            // Truncate it: the next cache rebuilds instead of failing or trusting it.
            let path = store + "/" + files[0]
            let data = try #require(FileManager.default.contents(atPath: path))
            try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
            let after = SearchIndexCache(directory: store)
            #expect(try await after.index(folder: corpus, extensions: ["md"]).documents.count == 40)
            #expect(await counts(after) == (builds: 1, loads: 0))
        }
    }
}
