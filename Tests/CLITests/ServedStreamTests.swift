import AsyncHTTPClient
import Foundation
import NIOCore
import PeerSupport
import Testing

/// The served stream as a user of `a2a-pipe serve` meets it (issue 14): relays in front of a
/// real a2a-sdk 1.3.0 agent, over real sockets, each relay its own `a2a-pipe serve` process.
@Suite("serve: the relayed stream", .timeLimit(.minutes(5)))
struct ServedStreamTests {
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(10)
        configuration.connectionPool.idleTimeout = .seconds(3)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// A pipeline with one remote stage whose agent is `$UPSTREAM`: a relay hop.
    static func relayFile() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("relay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("relay.yaml")
        try """
        name: relay
        description: Streams one upstream agent's answer through.
        agents:
          up: { url: "${UPSTREAM}" }
        stages:
          - id: relay
            agent: up
            input: "{{ input }}"
        output: relay
        """.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Starts one relay hop in front of `upstream`.
    static func relay(to upstream: String, arguments: [String] = []) async throws -> (RunningProgram, String) {
        try await ServeCommandTests.serve(try relayFile(), arguments: arguments, environment: ["UPSTREAM": upstream])
    }

    /// Streams `text` from `url` with A2A 1.0 `SendStreamingMessage` and calls `onText` with
    /// the artifact text received so far after each event, as the event arrives. Returns the
    /// events' `result` objects.
    static func stream(_ url: String, _ text: String, onText: (String) throws -> Void = { _ in }) async throws -> [[String: Any]] {
        let body = try JSONSerialization.data(withJSONObject: [
            "jsonrpc": "2.0", "id": 1, "method": "SendStreamingMessage",
            "params": ["message": ["messageId": UUID().uuidString, "role": "ROLE_USER", "parts": [["text": text]]]],
        ])
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "A2A-Version", value: "1.0")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .seconds(120))
        #expect(response.status == .ok)
        var pending: [UInt8] = []
        var results: [[String: Any]] = []
        var text = ""
        for try await part in response.body {
            pending.append(contentsOf: part.readableBytesView)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                guard line.hasPrefix("data: "),
                      let json = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any],
                      let result = json["result"] as? [String: Any]
                else { continue }
                results.append(result)
                if let update = result["artifactUpdate"] as? [String: Any],
                   let parts = (update["artifact"] as? [String: Any])?["parts"] as? [[String: Any]] {
                    text += parts.compactMap { $0["text"] as? String }.joined()
                    try onText(text)
                }
            }
        }
        return results
    }

    /// The resident set of a process, from `/proc` (Linux).
    static func residentBytes(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kib * 1024
    }

    @Test("each chunk crosses two chained serve relays before the agent sends the next one")
    func chunksPassAtOnceThroughTwoHops() async throws {
        try await withPeer(.sdk13) { peer in
            let (first, firstURL) = try await Self.relay(to: peer.url)
            defer { Task { await first.stop() } }
            let (second, secondURL) = try await Self.relay(to: firstURL)
            defer { Task { await second.stop() } }

            // Lockstep: after chunk i the agent waits (bounded) until the file "step.i" exists,
            // which this client creates only once chunk i has reached it through both hops. A
            // hop that held a chunk until the next one arrived would stall every step.
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("steps-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let step = dir.appendingPathComponent("step").path
            let words = ["w0", "w1", "w2", "w3"]
            var released = 0
            let results = try await Self.stream(secondURL + "/", "slow:0.5 step:\(step) " + words.joined(separator: " ")) { text in
                while released < words.count, text.contains(words[released] + " ") {
                    _ = FileManager.default.createFile(atPath: "\(step).\(released)", contents: Data())
                    released += 1
                }
            }
            let log = (try? String(contentsOfFile: step + ".log", encoding: .utf8)) ?? ""
            #expect(log == "step 0 released\nstep 1 released\nstep 2 released\n", "the agent's log: \(log)\n\(peer.stderrText().suffix(2000))")
            #expect(released == words.count)
            let text = results.compactMap { $0["artifactUpdate"] as? [String: Any] }
                .flatMap { (($0["artifact"] as? [String: Any])?["parts"] as? [[String: Any]]) ?? [] }
                .compactMap { $0["text"] as? String }.joined()
            #expect(text == "w0 w1 w2 w3 ")
            let chunks = results.compactMap { $0["artifactUpdate"] as? [String: Any] }
            #expect(chunks.last?["lastChunk"] as? Bool == true, "the artifact is closed")
            #expect(chunks.dropFirst().allSatisfy { $0["append"] as? Bool == true })
            let state = ((results.last?["statusUpdate"] as? [String: Any])?["status"] as? [String: Any])?["state"] as? String
            #expect(state == "TASK_STATE_COMPLETED")
        }
    }

    @Test("hundreds of runs through a served relay of an a2a-sdk agent: the relay's memory stops growing")
    func relayMemoryStaysFlat() async throws {
        try await withPeer(.sdk13) { peer in
            // --max-tasks 5: what the store keeps is not what is measured.
            let (relay, url) = try await Self.relay(to: peer.url, arguments: ["--max-tasks", "5"])
            defer { Task { await relay.stop() } }
            // 60 words: 120 events (a chunk and a progress status per word), each its own
            // HTTP chunk from uvicorn.
            let text = "slow:0 " + (0..<60).map { "w\($0)" }.joined(separator: " ")
            func runs(_ count: Int) async throws {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    var started = 0
                    for _ in 0..<min(4, count) {
                        group.addTask { try await Self.stream(url + "/", text).count }
                        started += 1
                    }
                    while let events = try await group.next() {
                        #expect(events > 60)
                        if started < count {
                            group.addTask { try await Self.stream(url + "/", text).count }
                            started += 1
                        }
                    }
                }
            }
            try await runs(20)  // warm up: pools, caches, the allocator's arenas
            let before = try #require(Self.residentBytes(relay.processIdentifier))
            try await runs(200)
            let after = try #require(Self.residentBytes(relay.processIdentifier))
            let grown = after - before
            // 200 runs × 120 body parts: the leak of issue 14 (~700 bytes per part) grew this by
            // about 17 MiB; a flat relay stays within allocator noise (0–1 MiB measured).
            #expect(grown < 6 << 20, "the relay's RSS grew by \(grown >> 10) KiB over 200 runs (\(before >> 20) → \(after >> 20) MiB)")
        }
    }
}
