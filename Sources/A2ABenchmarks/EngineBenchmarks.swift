import A2A
import A2APipe
import BuiltinAgents
import Foundation
import Synchronization

// Engine benchmarks (docs/engine.md): 1 GB streamed through a 3-stage pipeline with peak RSS,
// the engine's added latency to first output per stage, and chunks/s through 3 stages.
// Run in release: `swift run -c release A2ABenchmarks engine` (ENGINE_BENCH_BYTES overrides
// the 1 GB).

/// Streams `count` chunks of `size` bytes (each ends with a line break), each sent at once.
struct GenerateAgent: AgentExecutor {
    let count: Int
    let size: Int

    func execute(_ context: RequestContext, updater: TaskUpdater) async throws {
        try await updater.startWork()
        var chunk = String(repeating: "x", count: max(0, size - 1)) + "\n"
        chunk.reserveCapacity(size)
        for _ in 0..<count {
            try await updater.addArtifact(text: chunk, lastChunk: false)
        }
        try await updater.complete()
    }
}

/// Replies with its input as one chunk, sent at once.
struct PassAgent: AgentExecutor {
    func execute(_ context: RequestContext, updater: TaskUpdater) async throws {
        try await updater.addArtifact(text: context.userInput, lastChunk: false)
        try await updater.complete()
    }
}

/// Counts output bytes and events, and notes when the first output came.
final class CountingSink: PipelineEventSink {
    struct Counts {
        var bytes = 0
        var events = 0
        var firstOutput: ContinuousClock.Instant?
    }
    let counts = Mutex(Counts())

    func receive(_ event: PipelineEvent) async throws {
        counts.withLock { c in
            c.events += 1
            if case .pipelineOutput(let text) = event {
                if c.firstOutput == nil { c.firstOutput = .now }
                c.bytes += text.utf8.count
            }
        }
    }
}

enum EngineBench {
    static let catalog = BuiltinAgentCatalog.standard.adding([
        .init(name: "generate", summary: "generates chunks", parameters: [.init("count", .integer), .init("size", .integer)]),
        .init(name: "pass", summary: "passes its input on", parameters: []),
    ])

    static var registry: BuiltinAgentRegistry {
        var r = BuiltinAgentRegistry.standard
        r.register(.init(name: "generate", summary: "", settings: [.init("count", default: "1", ""), .init("size", default: "64", "")], example: "") { s throws(BuiltinAgentError) in
            GenerateAgent(count: try s.integer("count", default: 1, in: 0...Int.max), size: try s.integer("size", default: 64, in: 1...(1 << 24)))
        })
        r.register(.init(name: "pass", summary: "", settings: [], example: "") { _ throws(BuiltinAgentError) in PassAgent() })
        return r
    }

    static func plan(_ text: String) throws -> Plan {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("engine-bench-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = PipelineLoader(catalog: catalog).load(path: path)
        guard let plan = result.plan else { throw BenchError(message: "invalid benchmark pipeline: \(result.diagnostics)") }
        return plan
    }

    struct BenchError: Error { var message: String }

    /// generate → for_each pass → for_each pass (items are the generator's chunks), each
    /// `for_each` stage with `concurrency`.
    static func threeStages(count: Int, size: Int, concurrency: Int = 1) throws -> Plan {
        try plan("""
            name: bench
            agents:
              gen: { builtin: generate, with: { count: \(count), size: \(size) } }
              pass: { builtin: pass }
            stages:
              - id: generate
                agent: gen
              - id: pass1
                agent: pass
                for_each: { from: generate, split: parts }
                concurrency: \(concurrency)
              - id: pass2
                agent: pass
                for_each: { from: pass1, split: parts }
                concurrency: \(concurrency)
            """)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func peakRSS() -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return "n/a" }
        return line.dropFirst("VmHWM:".count).trimmingCharacters(in: .whitespaces)
    }
}

func runEngineBenchmarks() async throws {
    var configuration = EngineConfiguration(builtins: EngineBench.registry)
    configuration.retainOutput = false

    // (1) 1 GB through 3 stages, peak RSS before and after.
    let total = Int(ProcessInfo.processInfo.environment["ENGINE_BENCH_BYTES"] ?? "") ?? (1 << 30)
    let size = 64 * 1024
    let count = total / size
    // Warm up (and see the RSS a small run needs).
    _ = try await Engine(plan: try EngineBench.threeStages(count: 100, size: size), configuration: configuration).run(input: "", sink: CountingSink())
    let before = EngineBench.peakRSS()
    let sink = CountingSink()
    let start = ContinuousClock.now
    _ = try await Engine(plan: try EngineBench.threeStages(count: count, size: size), configuration: configuration).run(input: "", sink: sink)
    let elapsed = ContinuousClock.now - start
    let bytes = sink.counts.withLock { $0.bytes }
    print(String(format: "engine  streamed %.2f GB through 3 stages (%d chunks of %d KiB) in %.2f s: %.0f MB/s", Double(bytes) / 1e9, count, size / 1024, EngineBench.seconds(elapsed), Double(bytes) / 1e6 / EngineBench.seconds(elapsed)))
    print("engine  peak RSS (VmHWM) before: \(before), after: \(EngineBench.peakRSS())")

    // (2) Added latency to first output: the agent called directly vs through 1 and 3 stages.
    let rounds = 200
    var direct: [Double] = []
    var one: [Double] = []
    var three: [Double] = []
    let onePlan = try EngineBench.plan("""
        name: one
        agents:
          pass: { builtin: pass }
        stages:
          - id: a
            agent: pass
        """)
    let threePlan = try EngineBench.plan("""
        name: three
        agents:
          pass: { builtin: pass }
        stages:
          - id: a
            agent: pass
          - id: b
            agent: pass
            for_each: { from: a, split: parts }
          - id: c
            agent: pass
            for_each: { from: b, split: parts }
        """)
    for _ in 0..<rounds {
        let t0 = ContinuousClock.now
        let first = FirstOutput()
        let context = RequestContext.newTask(.user("hello"))
        try await PassAgent().execute(context, updater: TaskUpdater(sink: ClosureEventSink { event in
            if case .artifactUpdate = event { first.mark() }
        }, context: context))
        direct.append(EngineBench.seconds(first.at! - t0) * 1e6)

        for (plan, into) in [(onePlan, 1), (threePlan, 3)] {
            let s = CountingSink()
            let t = ContinuousClock.now
            _ = try await Engine(plan: plan, configuration: configuration).run(input: "hello", sink: s)
            let micros = EngineBench.seconds(s.counts.withLock { $0.firstOutput! } - t) * 1e6
            if into == 1 { one.append(micros) } else { three.append(micros) }
        }
    }
    func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
    let d = median(direct), o = median(one), t = median(three)
    print(String(format: "engine  first output (median of %d): direct %.1f µs, 1 stage %.1f µs, 3 stages %.1f µs; added per stage ≈ %.1f µs (1 stage), %.1f µs (3 stages)", rounds, d, o, t, o - d, (t - d) / 3))

    // (3) chunks/s through 3 stages (small chunks: each is an item of both for_each stages).
    try await EngineBench.chunksPerSecond(chunks: 200_000, configuration: configuration)
}

/// Only the chunks/s figure (`A2ABenchmarks engine-chunks`): ENGINE_BENCH_CHUNKS chunks
/// (default 200,000) after a warm-up of 1,000; ENGINE_BENCH_CONCURRENCY sets the `for_each`
/// stages' concurrency (default 1). Short enough to run under
/// `valgrind --tool=callgrind` with a small count, for instruction counts per chunk that do not
/// depend on the machine's load (docs/engine.md).
func runEngineChunkBenchmark() async throws {
    var configuration = EngineConfiguration(builtins: EngineBench.registry)
    configuration.retainOutput = false
    let environment = ProcessInfo.processInfo.environment
    let chunks = Int(environment["ENGINE_BENCH_CHUNKS"] ?? "") ?? 200_000
    let concurrency = Int(environment["ENGINE_BENCH_CONCURRENCY"] ?? "") ?? 1
    _ = try await Engine(plan: try EngineBench.threeStages(count: 1_000, size: 64, concurrency: concurrency), configuration: configuration).run(input: "", sink: CountingSink())
    try await EngineBench.chunksPerSecond(chunks: chunks, concurrency: concurrency, configuration: configuration)
}

extension EngineBench {
    static func chunksPerSecond(chunks: Int, concurrency: Int = 1, configuration: EngineConfiguration) async throws {
        let sink = CountingSink()
        let c0 = ContinuousClock.now
        _ = try await Engine(plan: try threeStages(count: chunks, size: 64, concurrency: concurrency), configuration: configuration).run(input: "", sink: sink)
        let cs = seconds(ContinuousClock.now - c0)
        let counts = sink.counts.withLock { $0 }
        guard counts.bytes == chunks * 64 else {
            throw BenchError(message: "wrong output: \(counts.bytes) bytes, expected \(chunks * 64)")
        }
        let label = concurrency == 1 ? "" : " (for_each concurrency \(concurrency))"
        print(String(format: "engine  %d chunks of 64 B through 3 stages%@ in %.2f s: %.0f chunks/s (%d events)", chunks, label, cs, Double(chunks) / cs, counts.events))
    }
}

/// The time of the first artifact event.
final class FirstOutput: Sendable {
    private let instant = Mutex<ContinuousClock.Instant?>(nil)
    func mark() { instant.withLock { if $0 == nil { $0 = .now } } }
    var at: ContinuousClock.Instant? { instant.withLock { $0 } }
}
