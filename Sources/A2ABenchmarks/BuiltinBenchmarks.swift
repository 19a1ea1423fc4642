import A2A
import BuiltinAgents
import Foundation
import Synchronization

/// The `search` and `summarize` built-in agents (figures in docs/builtins.md).
///
/// - **search, 10,000 files**: generates 10,000 Markdown files (about 2 KB each, 20 MB, words
///   drawn from a 20,000-word vocabulary with a Zipf-like distribution, each file with a
///   heading) in a temporary folder; measures the cold index build
///   (``SearchIndexCache/index(folder:extensions:)``: scan, read, tokenise, index), then query
///   latency through the agent (`SearchAgent.execute`: the freshness check of all 10,000 files'
///   mtimes and sizes, BM25 ranking, snippets, events) and through the index alone, over 200
///   queries of 1 to 4 words.
/// - **search, examples/corpus**: the same on the real corpus, if the working directory is the
///   repository root.
/// - **summarize, 1 MB**: `SummarizeAgent` (3 sentences) over 1 MB of real prose (the
///   corpus' Markdown, repeated as needed), or of generated sentences when the corpus is absent.
///
/// Run: `swift run -c release A2ABenchmarks builtins` from the repository root.
func runBuiltinBenchmarks() async throws {
    try await BuiltinBench.searchGenerated(files: 10_000)
    if FileManager.default.fileExists(atPath: "examples/corpus") {
        try await BuiltinBench.searchFolder("examples/corpus", label: "examples/corpus")
    }
    try await BuiltinBench.summarize(bytes: 1 << 20)
}

enum BuiltinBench {
    /// A small deterministic random generator (SplitMix64).
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
        /// Zipf-like index in 0..<n (rank ∝ 1/r).
        mutating func zipf(_ n: Int) -> Int { min(n - 1, Int(exp(unit() * log(Double(n))))) }
    }

    static func vocabulary(_ count: Int) -> [String] {
        var random = Random(state: 7)
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        return (0..<count).map { _ in
            String((0..<(3 + Int(random.next() % 7))).map { _ in letters[Int(random.next() % 26)] })
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func searchGenerated(files: Int) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("a2a-pipe-bench-search-\(getpid())").path
        try? FileManager.default.removeItem(atPath: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let words = vocabulary(20_000)
        var random = Random(state: 42)
        var bytes = 0
        for i in 0..<files {
            let dir = folder + "/d\(i / 500)"
            if i % 500 == 0 { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            var text = "# " + (0..<4).map { _ in words[random.zipf(words.count)] }.joined(separator: " ") + "\n\n"
            while text.utf8.count < 2_000 {
                let sentence = (0..<(8 + Int(random.next() % 12))).map { _ in words[random.zipf(words.count)] }.joined(separator: " ")
                text += sentence.prefix(1).uppercased() + sentence.dropFirst() + ". "
                if random.next() % 5 == 0 { text += "\n\n" }
            }
            bytes += text.utf8.count
            try text.write(toFile: dir + "/doc\(i).md", atomically: false, encoding: .utf8)
        }
        print(String(format: "search  generated %d files, %.1f MB", files, Double(bytes) / 1e6))
        var queries: [String] = []
        for _ in 0..<200 {
            queries.append((0..<(1 + Int(random.next() % 4))).map { _ in words[random.zipf(2_000)] }.joined(separator: " "))
        }
        try await measure(folder: folder, label: "\(files) files", queries: queries)
    }

    static func searchFolder(_ folder: String, label: String) async throws {
        let queries = [
            "merge two async sequences", "asyncio queue producer consumer", "graceful shutdown", "cancel a task group",
            "backpressure", "event loop", "thread pool executor", "channel buffer", "debounce throttle", "structured concurrency",
        ]
        try await measure(folder: folder, label: label, queries: Array(repeating: queries, count: 20).flatMap { $0 })
    }

    static func measure(folder: String, label: String, queries: [String]) async throws {
        let cache = SearchIndexCache()
        let clock = ContinuousClock()
        var start = clock.now
        let index = try await cache.index(folder: folder, extensions: SearchAgent.defaultExtensions)
        let build = clock.now - start
        print(String(
            format: "search  %@: index build %.2f s (%d documents, %d terms)",
            label, seconds(build), index.documents.count, index.termCount))

        // Through the agent: freshness check + ranking + snippets + events.
        let agent = SearchAgent(corpus: folder, top: 5, cache: cache)
        var agentTimes: [Double] = []
        for query in queries {
            let context = RequestContext.newTask(Message.user(query))
            let updater = TaskUpdater(sink: ClosureEventSink { _ in }, context: context)
            start = clock.now
            try await agent.execute(context, updater: updater)
            agentTimes.append(seconds(clock.now - start) * 1000)
        }
        // The index alone: ranking + snippets.
        var indexTimes: [Double] = []
        for query in queries {
            start = clock.now
            _ = index.search(query, top: 5)
            indexTimes.append(seconds(clock.now - start) * 1000)
        }
        func summary(_ times: [Double]) -> String {
            let s = times.sorted()
            return String(format: "median %.2f ms, p95 %.2f ms, max %.2f ms", s[s.count / 2], s[min(s.count - 1, s.count * 95 / 100)], s.last!)
        }
        print("search  \(label): query via agent (mtime check + rank + snippets), \(queries.count) queries: \(summary(agentTimes))")
        print("search  \(label): query on the built index (rank + snippets):            \(summary(indexTimes))")
        let builds = await cache.builds
        print("search  \(label): index builds during the queries: \(builds - 1)")
    }

    static func summarize(bytes: Int) async throws {
        var text = ""
        let corpus = "examples/corpus/swift"
        if let enumerator = FileManager.default.enumerator(atPath: corpus) {
            var parts: [String] = []
            for case let path as String in enumerator where path.hasSuffix(".md") {
                if let s = try? String(contentsOfFile: corpus + "/" + path, encoding: .utf8) { parts.append(s) }
            }
            let all = parts.joined(separator: "\n\n")
            if !all.isEmpty {
                while text.utf8.count < bytes { text += all + "\n\n" }
            }
        }
        var source = "examples/corpus Markdown"
        if text.isEmpty {
            source = "generated sentences"
            let words = vocabulary(5_000)
            var random = Random(state: 3)
            while text.utf8.count < bytes {
                let sentence = (0..<(8 + Int(random.next() % 12))).map { _ in words[random.zipf(words.count)] }.joined(separator: " ")
                text += sentence.prefix(1).uppercased() + sentence.dropFirst() + ". "
                if random.next() % 6 == 0 { text += "\n\n" }
            }
        }
        text = String(decoding: text.utf8.prefix(bytes), as: UTF8.self)
        let agent = SummarizeAgent(sentences: 3)
        let clock = ContinuousClock()
        var times: [Double] = []
        var output = ""
        for _ in 0..<3 {
            let context = RequestContext.newTask(Message.user(text))
            let collected = OutputBox()
            let updater = TaskUpdater(sink: ClosureEventSink { event in
                if case .artifactUpdate(let u) = event { collected.append(u.artifact.parts.joinedText) }
            }, context: context)
            let start = clock.now
            try await agent.execute(context, updater: updater)
            times.append(seconds(clock.now - start))
            output = collected.text
        }
        print(String(format: "summarize  %.2f MB of %@ to 3 sentences: %.2f s (best of 3; runs %@)",
                     Double(text.utf8.count) / 1e6, source, times.min()!, times.map { String(format: "%.2f", $0) }.joined(separator: ", ")))
        print("summarize  output: \(output.prefix(300))")
    }

    /// Collects text from a sink closure.
    final class OutputBox: Sendable {
        private let parts = Mutex<[String]>([])
        func append(_ s: String) { parts.withLock { $0.append(s) } }
        var text: String { parts.withLock { $0.joined() } }
    }
}
