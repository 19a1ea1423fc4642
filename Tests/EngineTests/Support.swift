import A2A
import A2APipe
import BuiltinAgents
import Foundation
import Synchronization
import Testing

/// Collects a run's events, in order.
final class EventLog: PipelineEventSink {
    private let events = Mutex<[PipelineEvent]>([])

    func receive(_ event: PipelineEvent) async throws {
        events.withLock { $0.append(event) }
    }

    var all: [PipelineEvent] { events.withLock { $0 } }

    /// The JSON Lines form of every event.
    var jsonLines: [String] { all.map(\.jsonLine) }

    func index(where predicate: (PipelineEvent) -> Bool) -> Int? { all.firstIndex(where: predicate) }

    /// The text of the stage's chunks, concatenated.
    func text(of stage: String) -> String {
        all.reduce(into: "") { out, e in
            if case .stageChunk(let s, _, let t) = e, s == stage { out += t }
        }
    }

    /// The text one item of a `for_each` stage produced (items may interleave in `all`).
    func text(of stage: String, item: Int) -> String {
        all.reduce(into: "") { out, e in
            if case .stageChunk(let s, let i, let t) = e, s == stage, i == item { out += t }
        }
    }

    var outputText: String {
        all.reduce(into: "") { out, e in
            if case .pipelineOutput(let t) = e { out += t }
        }
    }

    var failures: [(stage: String, attempt: Int, item: Int?, error: String, willRetry: Bool)] {
        all.compactMap { if case .stageFailed(let s, let a, let i, let e, let w) = $0 { (s, a, i, e, w) } else { nil } }
    }
}

/// Checks the event contract of a finished run: starts with pipeline.started, ends with
/// pipeline.completed or pipeline.failed, every line parses as JSON with a type, pipeline
/// progress never decreases (and ends at 1 on success).
func checkContract(_ log: EventLog, succeeded: Bool, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    let events = log.all
    guard case .pipelineStarted = events.first else {
        Issue.record("first event is \(String(describing: events.first))", sourceLocation: sourceLocation)
        return
    }
    if succeeded {
        guard case .pipelineCompleted = events.last else {
            Issue.record("last event is \(String(describing: events.last))", sourceLocation: sourceLocation)
            return
        }
    } else {
        guard case .pipelineFailed = events.last else {
            Issue.record("last event is \(String(describing: events.last))", sourceLocation: sourceLocation)
            return
        }
    }
    var last = -1.0
    for line in log.jsonLines {
        let json = try JSONParser().parse(line)
        #expect(json["type"]?.stringValue != nil, sourceLocation: sourceLocation)
        if json["type"]?.stringValue == "pipeline.progress", let p = json["progress"]?.doubleValue {
            #expect(p >= last, "progress went back from \(last) to \(p)", sourceLocation: sourceLocation)
            #expect(p >= 0 && p <= 1, sourceLocation: sourceLocation)
            last = p
        }
    }
    if succeeded { #expect(last == 1, "pipeline progress ended at \(last)", sourceLocation: sourceLocation) }
    // Every stage event names a stage of the pipeline.
    if case .pipelineStarted(_, let stages) = events.first {
        for e in events { if let s = e.stage { #expect(stages.contains(s), sourceLocation: sourceLocation) } }
    }
}

/// A temporary folder for pipeline files.
func temporaryFolder() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("engine-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Loads pipeline text (written to `folder/name`), expecting it to be valid.
func loadPlan(_ text: String, name: String = "pipeline.yaml", in folder: URL? = nil, catalog: BuiltinAgentCatalog = TestAgents.catalog, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Plan {
    let dir = folder ?? temporaryFolder()
    let path = dir.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let result = PipelineLoader(catalog: catalog).load(path: path)
    let errors = result.errors.map { "\($0)" }
    #expect(errors.isEmpty, "\(errors)", sourceLocation: sourceLocation)
    return try #require(result.plan, sourceLocation: sourceLocation)
}

/// Counts calls across the agents one test makes.
final class CallCounter: Sendable {
    private let count = Mutex(0)
    func next() -> Int { count.withLock { $0 += 1; return $0 } }
    var value: Int { count.withLock { $0 } }
}

/// Fails its first `failures` calls (after streaming "partial "), then echoes its input.
struct FlakyAgent: AgentExecutor {
    let counter: CallCounter
    let failures: Int

    func execute(_ context: RequestContext, updater: TaskUpdater) async throws {
        let call = counter.next()
        try await updater.startWork()
        try await updater.addArtifact(text: "partial ")
        if call <= failures {
            try await updater.fail("flaky failure \(call)")
            return
        }
        try await updater.addArtifact(text: context.userInput)
        try await updater.complete()
    }
}

/// Streams `count` lines `line N\n`, with `delay` between lines.
struct LinesAgent: AgentExecutor {
    let count: Int
    let delay: Duration

    func execute(_ context: RequestContext, updater: TaskUpdater) async throws {
        try await updater.startWork()
        for i in 0..<count {
            if i > 0, delay > .zero { try await Task.sleep(for: delay) }
            try await updater.addArtifact(text: "line \(i)\n")
        }
        try await updater.complete()
    }
}

/// Upper-cases its input after `delay`. With `firstAfter: N`, the input ending in "0" (item 0)
/// waits until N other inputs have finished, so it is certainly the last to finish, whatever
/// the scheduler does (one instance serves all items of a stage in a run).
final class UpperAgent: AgentExecutor {
    let delay: Duration
    let firstAfter: Int
    private let finished = Mutex(0)

    init(delay: Duration, firstAfter: Int = 0) {
        self.delay = delay
        self.firstAfter = firstAfter
    }

    func execute(_ context: RequestContext, updater: TaskUpdater) async throws {
        try await updater.startWork()
        let input = context.userInput
        let isFirst = input.hasSuffix("0")
        if isFirst, firstAfter > 0 {
            // Wait on the condition (bounded), not on a guess about timing.
            var waited = 0
            while finished.withLock({ $0 }) < firstAfter {
                waited += 1
                if waited > 2000 { throw CancellationError() }  // 10 s: something is wrong
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        if delay > .zero { try await Task.sleep(for: delay) }
        try await updater.addArtifact(text: input.uppercased())
        try await updater.complete()
        if !isFirst { finished.withLock { $0 += 1 } }
    }
}

/// Streams its input's words; after the first it holds until the file `gate` exists (at most
/// 60 s), so a test can catch the run mid-stream for certain and release it when it has looked.
struct GatedAgent: AgentExecutor {
    let gate: String

    func execute(_ context: RequestContext, updater: TaskUpdater) async throws {
        try await updater.startWork()
        // "a b c" streams as "a", " b", " c": the text is the input exactly.
        let words = context.userInput.split(separator: " ").enumerated().map { $0.offset == 0 ? String($0.element) : " " + $0.element }
        for (i, word) in words.enumerated() {
            try await updater.addArtifact(text: word, append: i > 0, lastChunk: false)
            if i == 0 {
                var waited = 0
                while !FileManager.default.fileExists(atPath: gate), waited < 3000 {
                    waited += 1
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
        }
        try await updater.finishArtifact()
        try await updater.complete()
    }
}

/// Never answers: waits until cancelled.
struct SilentAgent: AgentExecutor {
    func execute(_ context: RequestContext, updater: TaskUpdater) async throws {
        try await updater.startWork()
        try await Task.sleep(for: .seconds(3600))
    }
}

/// Built-in agents for tests, on top of the standard ones.
enum TestAgents {
    static let catalog = BuiltinAgentCatalog.standard.adding([
        .init(name: "flaky", summary: "fails at first", parameters: [.init("failures", .integer)]),
        .init(name: "lines", summary: "streams lines", parameters: [.init("count", .integer), .init("delay", .duration)]),
        .init(name: "upper", summary: "upper-cases", parameters: [.init("delay", .duration), .init("first_after", .integer)]),
        .init(name: "silent", summary: "never answers", parameters: []),
        .init(name: "gated", summary: "holds after the first word until a file exists", parameters: [.init("gate", .string)]),
    ])

    static func registry(counter: CallCounter = CallCounter()) -> BuiltinAgentRegistry {
        var registry = BuiltinAgentRegistry.standard
        registry.register(.init(name: "flaky", summary: "", settings: [.init("failures", default: "1", "")], example: "") { s throws(BuiltinAgentError) in
            FlakyAgent(counter: counter, failures: try s.integer("failures", default: 1, in: 0...100))
        })
        registry.register(.init(name: "lines", summary: "", settings: [.init("count", default: "3", ""), .init("delay", default: "0ms", "")], example: "") { s throws(BuiltinAgentError) in
            LinesAgent(count: try s.integer("count", default: 3, in: 0...10_000_000), delay: try s.duration("delay", default: .zero))
        })
        registry.register(.init(name: "upper", summary: "", settings: [.init("delay", default: "0ms", ""), .init("first_after", default: "0", "")], example: "") { s throws(BuiltinAgentError) in
            UpperAgent(delay: try s.duration("delay", default: .zero), firstAfter: try s.integer("first_after", default: 0, in: 0...1000))
        })
        registry.register(.init(name: "silent", summary: "", settings: [], example: "") { _ throws(BuiltinAgentError) in SilentAgent() })
        registry.register(.init(name: "gated", summary: "", settings: [.init("gate", default: "", "")], example: "") { s throws(BuiltinAgentError) in
            GatedAgent(gate: s.string("gate") ?? "")
        })
        return registry
    }

    static func configuration(counter: CallCounter = CallCounter()) -> EngineConfiguration {
        EngineConfiguration(builtins: registry(counter: counter))
    }
}
