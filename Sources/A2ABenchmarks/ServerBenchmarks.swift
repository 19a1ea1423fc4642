import A2A
import A2AServer
import AsyncHTTPClient
import BuiltinAgents
import Foundation
import Logging
import NIOCore

/// Server throughput: the built-in `words` agent with `delay=0ms` streams one small chunk per
/// word as fast as the consumer reads. Measures chunks per second delivered over loopback
/// (A2A 1.0 `SendStreamingMessage`, LF-framed SSE) to one client and to 100 concurrent
/// clients, and the process's peak RSS. Server and clients run in this one process, on the
/// same cores; the figures go to docs/server.md.
///
/// Run: `swift run -c release A2ABenchmarks server`.
func runServerBenchmarks() async throws {
    let registry = BuiltinAgentRegistry.standard
    let agent = try registry.makeAgent("words", settings: AgentSettings(["delay": "0ms"]))
    var logger = Logger(label: "a2a-pipe.bench.server")
    logger.logLevel = .critical
    let server = A2AServer(
        agent: agent, card: registry["words"]!.card,
        configuration: A2AServerConfiguration(host: "127.0.0.1", port: 0, maxRequestBodyBytes: 64 << 20),
        logger: logger)
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 256
    configuration.timeout.read = .seconds(300)
    let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)

    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        let port = try await server.waitUntilRunning()
        let url = "http://127.0.0.1:\(port)/"
        _ = try await ServerBench.stream(http, url: url, words: 2_000)  // warm-up

        for (clients, perClient) in [(1, 300_000), (100, 5_000)] {
            let clock = ContinuousClock()
            let start = clock.now
            let counts = try await withThrowingTaskGroup(of: Int.self) { streams in
                for _ in 0..<clients {
                    streams.addTask { try await ServerBench.stream(http, url: url, words: perClient) }
                }
                var all: [Int] = []
                for try await c in streams { all.append(c) }
                return all
            }
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let total = counts.reduce(0, +)
            let lost = clients * perClient - total
            print(String(
                format: "server  words delay=0  %3d client(s) x %7d chunks: %9.0f chunks/s  (%.2f s%@)",
                clients, perClient, Double(total) / seconds, seconds, lost == 0 ? "" : ", \(lost) LOST"))
        }
        print("server  peak RSS (VmHWM, server and clients in one process): \(ServerBench.peakRSS())")
        group.cancelAll()
    }
    try await http.shutdown()
}

enum ServerBench {
    /// Streams `words` one-word chunks and returns how many artifact chunks arrived (the
    /// stream's events minus the task, the working and the completed status).
    static func stream(_ http: HTTPClient, url: String, words: Int) async throws -> Int {
        var text = ""
        text.reserveCapacity(words * 7)
        for i in 0..<words { text += "w\(i % 1000) " }
        let message: JSONValue = ["messageId": .string(IDs.make()), "role": "ROLE_USER", "parts": [["text": .string(text)]]]
        let body = JSONWriter.bytes(["jsonrpc": "2.0", "id": 1, "method": "SendStreamingMessage", "params": ["message": message]])
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "A2A-Version", value: "1.0")
        request.headers.add(name: "Accept", value: "text/event-stream")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await http.execute(request, timeout: .seconds(300))
        var events = 0
        var previous: UInt8 = 0
        for try await buffer in response.body {
            buffer.withUnsafeReadableBytes { bytes in
                for b in bytes {
                    if b == 0x0A, previous == 0x0A { events += 1 }
                    previous = b
                }
            }
        }
        return events - 3
    }

    /// VmHWM from /proc/self/status.
    static func peakRSS() -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return "unavailable" }
        return line.dropFirst("VmHWM:".count).trimmingCharacters(in: .whitespaces)
    }
}
