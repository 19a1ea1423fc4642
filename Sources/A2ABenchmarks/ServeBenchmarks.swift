import A2A
import A2AClient
import A2APipe
import A2AServer
import Foundation
import Logging
import Synchronization

// Served-pipeline benchmarks (docs/engine.md, "Served pipeline"): a pipeline of built-in agents
// (no delays) served in-process by `PipelineAgent` + `A2AServer`, driven over loopback by our
// A2A 1.0 client's streaming send. At 1, 10 and 100 concurrent runs: runs/s, time to the
// first output byte (the first artifact chunk with text) median and p95, and peak RSS.
// Run in release: `swift run -c release A2ABenchmarks serve` (SERVE_BENCH_RUNS overrides the
// 200 runs per level).

func runServeBenchmarks() async throws {
    let plan = try ServeBench.plan()
    let runs = ProcessInfo.processInfo.environment["SERVE_BENCH_RUNS"].flatMap(Int.init) ?? 200
    let input = "the quick brown fox\njumps over the\nlazy dog again"
    let expected = "the quick brown fox\njumps over the\nlazy dog again\n"
    var logger = Logger(label: "a2a-pipe.bench.serve")
    logger.logLevel = .critical
    let server = A2AServer(
        agent: PipelineAgent(plan: plan, configuration: EngineConfiguration()), card: plan.agentCard,
        configuration: A2AServerConfiguration(host: "127.0.0.1", port: 0), logger: logger)

    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        let port = try await server.waitUntilRunning()
        let client = A2AClient(url: "http://127.0.0.1:\(port)/")
        _ = try await ServeBench.level(client: client, input: input, expected: expected, concurrency: 10, runs: 50)  // warm-up

        print("serve   pipeline: echo -> for_each(lines) words (delay 0ms, concurrency 2); 3 lines, 10 words per run")
        for concurrency in [1, 10, 100] {
            let reset = ServeBench.resetPeakRSS()
            let r = try await ServeBench.level(client: client, input: input, expected: expected, concurrency: concurrency, runs: runs)
            let figures = String(
                format: "serve   %3d concurrent, %d runs: %.0f runs/s (%.2f s); first output byte median %.2f ms, p95 %.2f ms",
                concurrency, runs, Double(runs) / r.seconds, r.seconds, r.firstByteMedian * 1000, r.firstByteP95 * 1000)
            let rss = "; peak RSS \(ServeBench.peakRSS())" + (reset ? " (reset before this level)" : " (process peak so far)")
            print(figures + rss + (r.wrong == 0 ? "" : ", \(r.wrong) WRONG OUTPUTS"))
        }
        group.cancelAll()
    }
}

enum ServeBench {
    struct BenchError: Error { var message: String }

    /// Hands out run numbers to the workers of one level.
    final class Tickets: Sendable {
        private let value = Mutex(0)
        func next() -> Int { value.withLock { n in defer { n += 1 }; return n } }
    }

    static func plan() throws -> Plan {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("serve-bench-\(UUID().uuidString).yaml").path
        try """
        name: served-bench
        agents:
          echo: { builtin: echo }
          words: { builtin: words, with: { delay: 0ms } }
        stages:
          - id: lines
            agent: echo
          - id: each
            agent: words
            for_each: { from: lines }
            concurrency: 2
        output: each
        """.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = PipelineLoader().load(path: path)
        guard let plan = result.plan else { throw BenchError(message: "invalid benchmark pipeline: \(result.diagnostics)") }
        return plan
    }

    struct Level {
        var seconds: Double
        var firstByteMedian: Double
        var firstByteP95: Double
        var wrong: Int
    }

    /// `runs` streamed runs, `concurrency` at a time.
    static func level(client: A2AClient, input: String, expected: String, concurrency: Int, runs: Int) async throws -> Level {
        let tickets = Tickets()
        let start = ContinuousClock.now
        let results = try await withThrowingTaskGroup(of: [(Double, Bool)].self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var mine: [(Double, Bool)] = []
                    while tickets.next() < runs {
                        mine.append(try await run(client: client, input: input, expected: expected))
                    }
                    return mine
                }
            }
            var all: [(Double, Bool)] = []
            for try await part in group { all += part }
            return all
        }
        let seconds = seconds(ContinuousClock.now - start)
        let firstBytes = results.map(\.0).sorted()
        return Level(
            seconds: seconds,
            firstByteMedian: firstBytes[firstBytes.count / 2],
            firstByteP95: firstBytes[min(firstBytes.count - 1, Int((Double(firstBytes.count) * 0.95).rounded(.up)) - 1)],
            wrong: results.filter { !$0.1 }.count)
    }

    /// One run: seconds to the first artifact chunk with text, and whether the output and the
    /// final state were right.
    static func run(client: A2AClient, input: String, expected: String) async throws -> (Double, Bool) {
        let start = ContinuousClock.now
        var firstByte: Double?
        var tracker = ArtifactTextTracker()
        var text = ""
        var last: TaskState?
        for try await event in client.stream(.user(input)) {
            let new = tracker.newText(in: event)
            if firstByte == nil, !new.isEmpty, case .artifactUpdate = event { firstByte = seconds(ContinuousClock.now - start) }
            text += new
            if let state = event.state { last = state }
        }
        return (firstByte ?? .infinity, text == expected && last == .completed)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Resets VmHWM to the current RSS (Linux: write 5 to /proc/self/clear_refs).
    static func resetPeakRSS() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        do {
            try handle.write(contentsOf: Data("5".utf8))
            return true
        } catch {
            return false
        }
    }

    /// VmHWM from /proc/self/status.
    static func peakRSS() -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return "unavailable" }
        return line.dropFirst("VmHWM:".count).trimmingCharacters(in: .whitespaces)
    }
}
