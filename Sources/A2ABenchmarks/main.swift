import Foundation

// Benchmarks, run in release: `swift run -c release A2ABenchmarks [decode|all]`.
// Each prints its figures; docs/benchmarks.md records them with the machine they ran on.

let arguments = CommandLine.arguments.dropFirst()
let which = arguments.first ?? "all"
let known = ["decode", "pipeline", "server", "engine", "engine-chunks", "builtins", "serve", "all"]
guard known.contains(which) else {
    FileHandle.standardError.write(Data("unknown benchmark '\(which)'; choose one of: \(known.joined(separator: ", "))\n".utf8))
    exit(2)
}
if which == "decode" || which == "all" {
    try runDecodeBenchmarks()
}
if which == "pipeline" || which == "all" {
    try runPipelineBenchmarks()
}
if which == "server" || which == "all" {
    try await runServerBenchmarks()
}
if which == "engine" || which == "all" {
    try await runEngineBenchmarks()
}
if which == "engine-chunks" {
    try await runEngineChunkBenchmark()
}
if which == "builtins" || which == "all" {
    try await runBuiltinBenchmarks()
}
if which == "serve" || which == "all" {
    try await runServeBenchmarks()
}
