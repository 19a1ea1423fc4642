import A2APipe
import Foundation

/// Validates a generated 1,000-stage pipeline file (parse, decode, check every
/// reference, detect cycles, plan) and prints the median time.
///
/// Run with `swift run -c release A2ABenchmarks pipeline`.
func runPipelineBenchmarks() throws {
    let stageCount = 1_000
    let iterations = 25
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("a2a-pipe-bench-\(ProcessInfo.processInfo.processIdentifier)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("pipeline-\(stageCount).yaml")
    let text = generatedPipeline(stages: stageCount)
    try text.write(to: file, atomically: true, encoding: .utf8)

    let environment = ["BENCH_TOKEN": "benchmark-token"]
    let loader = PipelineLoader()
    let first = loader.load(path: file.path, environment: environment)
    guard first.isValid, let plan = first.plan, plan.stages.count == stageCount else {
        let problems = first.diagnostics.prefix(5).map(\.description).joined(separator: "\n")
        throw BenchmarkFailure(message: "the generated pipeline does not validate:\n\(problems)")
    }

    let clock = ContinuousClock()
    var samples: [Duration] = []
    for _ in 0..<iterations {
        let start = clock.now
        let result = loader.load(path: file.path, environment: environment)
        samples.append(clock.now - start)
        precondition(result.isValid)
    }
    samples.sort()
    let median = samples[samples.count / 2]
    let lines = text.split(separator: "\n").count
    print(String(
        format: "pipeline validate: %d stages, %d edges, %d lines: median %.1f ms (min %.1f ms, %d runs)",
        stageCount, plan.edges.count, lines, milliseconds(median), milliseconds(samples[0]), iterations
    ))
}

private struct BenchmarkFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

private func milliseconds(_ duration: Duration) -> Double {
    let (seconds, attoseconds) = duration.components
    return Double(seconds) * 1000 + Double(attoseconds) / 1e15
}

/// A layered pipeline: each stage needs one or two earlier stages, every
/// tenth stage fans out with `for_each`, inputs use templates and params.
private func generatedPipeline(stages count: Int) -> String {
    var lines = [
        "name: generated-\(count)",
        "description: A generated pipeline for the validation benchmark.",
        "params:",
        "  topic: benchmarks",
        "  style: terse",
        "agents:",
        "  echo: { builtin: echo, with: { delay: 1ms } }",
        "  words: { builtin: words }",
        "  remote:",
        "    url: \"http://127.0.0.1:9000/{{ params.style }}\"",
        "    headers: { Authorization: \"Bearer ${BENCH_TOKEN}\" }",
        "stages:",
    ]
    let agents = ["echo", "words", "remote"]
    for index in 0..<count {
        lines.append("  - id: stage-\(index)")
        lines.append("    agent: \(agents[index % agents.count])")
        lines.append("    description: Stage number \(index).")
        if index == 0 {
            lines.append("    input: \"About {{ params.topic }}: {{ input }}\"")
            continue
        }
        if index % 10 == 0 {
            lines.append("    for_each: { from: stage-\(index - 1), split: lines }")
            lines.append("    concurrency: 4")
            lines.append("    input: \"{{ index }}: {{ item }} ({{ params.style }})\"")
        } else if index % 3 == 0, index >= 2 {
            lines.append("    needs: [stage-\(index - 1), stage-\(index / 2)]")
            lines.append("    retry: { attempts: 3, backoff: 250ms }")
            lines.append("    timeout: 30s")
        } else {
            lines.append("    input: |")
            lines.append("      Previous: {{ stages.stage-\(index - 1).output }}")
            lines.append("      Topic: {{ params.topic }}")
        }
    }
    lines.append("output: stage-\(count - 1)")
    return lines.joined(separator: "\n") + "\n"
}
