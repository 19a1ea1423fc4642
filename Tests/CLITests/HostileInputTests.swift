import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PeerSupport
import Testing

/// `a2a-pipe serve` under hostile input, as a separate process: a seeded fuzz run of thousands
/// of malformed requests on every POST route, dropped and truncated connections, and a flood of
/// oversized bodies; the server keeps answering correctly and its memory stays bounded.
@Suite("serve: hostile input", .timeLimit(.minutes(5)))
struct HostileInputTests {
    /// Change to reproduce a failure (the seed is in every failure message).
    static let seed: UInt64 = ProcessInfo.processInfo.environment["A2A_PIPE_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5EED_A2A9
    static let cases = Int(ProcessInfo.processInfo.environment["A2A_PIPE_FUZZ_CASES"] ?? "") ?? 3000

    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool.retryConnectionEstablishment = false  // a dead server fails fast
        configuration.timeout.connect = .seconds(5)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    static func pipelineFile() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("robust.yaml")
        try """
        name: robust
        agents:
          words: { builtin: words, with: { delay: 2ms } }
        stages:
          - id: say
            agent: words
        """.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    struct Reply {
        var status: Int
        var headers: HTTPHeaders
        var body: String
    }

    static func send(_ url: String, body: [UInt8]?, headers: [(String, String)] = [], chunked: Bool = false, method: HTTPMethod = .POST) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Content-Type", value: "application/json")
        for (k, v) in headers { request.headers.add(name: k, value: v) }
        if let body {
            if chunked {
                request.body = .bytes(body, length: .unknown)  // chunked: no Content-Length to refuse early on
            } else {
                request.body = .bytes(ByteBuffer(bytes: body))
            }
        }
        let response = try await client.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }

    /// A correct 1.0 call: the text comes back whole, the task completes.
    static func checkNormalCall(_ url: String, _ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        let body = #"{"jsonrpc":"2.0","id":"ok","method":"SendMessage","params":{"message":{"messageId":"m-\#(UUID().uuidString)","role":"ROLE_USER","parts":[{"text":"\#(text)"}]}}}"#
        let r = try await send(url + "/", body: Array(body.utf8), headers: [("A2A-Version", "1.0")])
        #expect(r.status == 200, sourceLocation: sourceLocation)
        let json = try JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [String: Any]
        let task = (json?["result"] as? [String: Any])?["task"] as? [String: Any]
        #expect((task?["status"] as? [String: Any])?["state"] as? String == "TASK_STATE_COMPLETED", "\(r.body.prefix(500))", sourceLocation: sourceLocation)
        let parts = ((task?["artifacts"] as? [[String: Any]])?.first?["parts"] as? [[String: Any]]) ?? []
        #expect(parts.compactMap { $0["text"] as? String }.joined() == text, sourceLocation: sourceLocation)
    }

    @Test("thousands of malformed requests (seeded), truncated and abandoned connections: no crash, no 5xx, and a normal call still works")
    func fuzz() async throws {
        let (server, url) = try await ServeCommandTests.serve(try Self.pipelineFile(), arguments: ["--max-request-body", "1MiB"])
        defer { Task { await server.stop() } }
        let port = Int(url.split(separator: ":").last!.prefix { $0.isNumber })!
        try await Self.checkNormalCall(url, "before the storm")

        var rng = SplitMix64(seed: Self.seed)
        var inputs: [(index: Int, path: String, version: String?, chunked: Bool, body: [UInt8])] = []
        for index in 0..<Self.cases {
            let path = FuzzCorpus.routes[Int(rng.next() % UInt64(FuzzCorpus.routes.count))]
            let version = [nil, "1.0", "0.3", "", "9.9", "1.0.1"][Int(rng.next() % 6)]
            inputs.append((index, path, version, rng.next() % 8 == 0, FuzzCorpus.body(&rng)))
        }
        var statuses: [Int: Int] = [:]
        var failures: [String] = []
        var dropped: [String] = []
        try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            var next = 0
            func add() {
                guard next < inputs.count else { return }
                let input = inputs[next]
                next += 1
                group.addTask {
                    let headers = input.version.map { [("A2A-Version", $0)] } ?? []
                    do {
                        let r = try await Self.send(url + input.path, body: input.body, headers: headers, chunked: input.chunked)
                        let bad = r.status >= 500 && r.status != 503
                        return (r.status, bad ? "case \(input.index) (seed \(Self.seed)): POST \(input.path) got \(r.status): \(r.body.prefix(200))" : nil)
                    } catch {
                        // The server may close a connection early (a body over the limit); it
                        // must not go away, which the checks after the run show.
                        return (-1, "case \(input.index) (seed \(Self.seed)): POST \(input.path) (\(input.body.count) bytes\(input.chunked ? ", chunked" : "")): \(error)")
                    }
                }
            }
            for _ in 0..<8 { add() }
            while let (status, failure) = try await group.next() {
                statuses[status, default: 0] += 1
                if let failure {
                    if status == -1 { dropped.append(failure) } else { failures.append(failure) }
                }
                if status == -1, await server.wait(timeout: .milliseconds(1)) != nil { break }  // it died: stop
                add()
            }
            group.cancelAll()
        }
        let exited = await server.wait(timeout: .milliseconds(1))
        #expect(exited == nil, "the server died during the fuzz run: \(server.stderrText().prefix(6000))")
        guard exited == nil else { return }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
        #expect(statuses[200, default: 0] > Self.cases / 3, "most requests got a JSON-RPC answer: \(statuses)")
        #expect(statuses[413, default: 0] > 0, "oversized bodies were refused: \(statuses)")
        // On failure, the server's own last words and the kinds of client errors, to diagnose
        // the once-in-ten stall seen in the suite (the served process stopped answering).
        let kinds = Dictionary(grouping: dropped.map { $0.split(separator: ":").last.map(String.init) ?? "" }, by: { $0 }).mapValues(\.count)
        if statuses[-1, default: 0] >= Self.cases / 20 {
            // Which side stopped: a fresh raw connection that bypasses the test's HTTP client.
            let probe = try? await Task.detached {
                try RawHTTP.exchange(port: port, Array("GET /.well-known/agent-card.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8), readBytes: 12, timeoutSeconds: 5)
            }.value
            let answer = probe.map { String(decoding: $0.prefix(12), as: UTF8.self) } ?? "no answer"
            Issue.record("a fresh raw connection to the server got: \(answer); last dropped: \(dropped.suffix(3))")
        }
        #expect(statuses[-1, default: 0] < Self.cases / 20, "few connections failed: \(statuses); kinds \(kinds); first \(dropped.prefix(5)); server stderr tail: \(server.stderrText().suffix(3000))")

        // Truncated and abandoned requests, on raw sockets.
        let streamBody = #"{"jsonrpc":"2.0","id":1,"method":"SendStreamingMessage","params":{"message":{"messageId":"m","role":"ROLE_USER","parts":[{"text":"\#(Array(repeating: "word", count: 400).joined(separator: " "))"}]}}}"#
        for round in 0..<20 {
            try await Task.detached {
                // A declared body that never comes in full.
                try RawHTTP.exchange(port: port, Array((RawHTTP.head(path: "/", contentLength: 5000) + #"{"jsonrpc":"2.0","#).utf8), timeoutSeconds: 2)
                // A head cut off mid-line.
                try RawHTTP.exchange(port: port, Array("POST /a2a HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le".utf8))
                // A bad chunk size.
                try RawHTTP.exchange(port: port, Array((RawHTTP.head(path: "/stream", contentLength: nil) + "zz\r\n{}\r\n0\r\n\r\n").utf8), readBytes: 1, timeoutSeconds: 5)
                // Not HTTP at all.
                try RawHTTP.exchange(port: port, (0..<512).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ round) }, readBytes: 1, timeoutSeconds: 5)
                // A stream abandoned after its first bytes (1.0, 0.3 and python-a2a).
                let body = round % 3 == 1 ? streamBody.replacingOccurrences(of: "SendStreamingMessage", with: "message/stream").replacingOccurrences(of: "ROLE_USER", with: "user") : streamBody
                let head = RawHTTP.head(path: round % 3 == 2 ? "/tasks/stream" : "/", contentLength: body.utf8.count, extra: round % 3 == 0 ? ["A2A-Version: 1.0"] : [])
                let got = try RawHTTP.exchange(port: port, Array((head + body).utf8), readBytes: 300)
                #expect(String(decoding: got.prefix(12), as: UTF8.self) == "HTTP/1.1 200", "round \(round): \(String(decoding: got.prefix(200), as: UTF8.self))")
            }.value
        }

        #expect(await server.wait(timeout: .milliseconds(1)) == nil, "the server is still running")
        try await Self.checkNormalCall(url, "after the storm all is well")
        let call = try await CLI.run("call", url, "still here")
        #expect(call.exitCode == 0, "\(call.stderr)")
        #expect(call.stdout == "still here")
        await server.stop()
    }

    @Test("a flood of oversized requests is refused with 413 and the server's RSS stays bounded")
    func oversizedFlood() async throws {
        let (server, url) = try await ServeCommandTests.serve(try Self.pipelineFile(), arguments: ["--max-request-body", "256KiB"])
        defer { Task { await server.stop() } }
        try await Self.checkNormalCall(url, "warm up")
        let pid = server.processIdentifier
        let before = try ProcStatus.read(pid: pid)

        let requests = 240
        let body = [UInt8](repeating: UInt8(ascii: "a"), count: 4 << 20)  // 4 MiB each, 16x the limit
        var refused = 0
        var dropped = 0
        try await withThrowingTaskGroup(of: Int.self) { group in
            var next = 0
            func add() {
                guard next < requests else { return }
                let chunked = next % 2 == 1
                next += 1
                group.addTask {
                    do {
                        return try await Self.send(url + (chunked ? "/stream" : "/"), body: body, chunked: chunked).status
                    } catch {
                        return -1  // the server may close the connection before the whole body is sent
                    }
                }
            }
            for _ in 0..<16 { add() }
            while let status = try await group.next() {
                if status == 413 { refused += 1 } else if status == -1 { dropped += 1 } else {
                    Issue.record("an oversized request got HTTP \(status)")
                }
                add()
            }
        }
        let after = try ProcStatus.read(pid: pid)
        let mib = { (kib: Int) in String(format: "%.1f MiB", Double(kib) / 1024) }
        print("oversized flood: \(requests) × 4 MiB bodies (limit 256 KiB): \(refused) × 413, \(dropped) dropped; server RSS \(mib(before.rssKiB)) before, \(mib(after.rssKiB)) after, peak (VmHWM) \(mib(after.peakKiB))")
        #expect(refused >= requests / 2, "\(refused) refused, \(dropped) dropped")
        #expect(after.peakKiB < 256 * 1024, "peak RSS \(mib(after.peakKiB)) stays under 256 MiB (the bodies total \(requests * 4) MiB)")
        #expect(await server.wait(timeout: .milliseconds(1)) == nil)
        try await Self.checkNormalCall(url, "still answering")
        await server.stop()
    }
}

/// VmRSS and VmHWM of a process, from /proc/PID/status.
struct ProcStatus {
    var rssKiB: Int
    var peakKiB: Int

    static func read(pid: Int32) throws -> ProcStatus {
        let text = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        func field(_ name: String) -> Int {
            for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
                return Int(line.dropFirst(name.count + 1).split(whereSeparator: \.isWhitespace).first ?? "") ?? 0
            }
            return 0
        }
        return ProcStatus(rssKiB: field("VmRSS"), peakKiB: field("VmHWM"))
    }
}

/// A small, seeded PRNG (SplitMix64), so a fuzz run reproduces from its seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The fuzz corpus: valid requests of every kind, then broken in many ways.
enum FuzzCorpus {
    static let routes = ["/", "/a2a", "/stream", "/a2a/stream", "/tasks/send", "/a2a/tasks/send", "/tasks/get", "/tasks/cancel", "/tasks/stream", "/a2a/a2a/tasks/send"]

    static let templates: [String] = [
        #"{"jsonrpc":"2.0","id":1,"method":"SendMessage","params":{"message":{"messageId":"m1","role":"ROLE_USER","parts":[{"text":"fuzz me"}]},"configuration":{"historyLength":2}}}"#,
        #"{"jsonrpc":"2.0","id":"s","method":"SendStreamingMessage","params":{"message":{"messageId":"m2","role":"ROLE_USER","parts":[{"text":"hi"}]}}}"#,
        #"{"jsonrpc":"2.0","id":2,"method":"message/send","params":{"message":{"kind":"message","messageId":"m3","role":"user","parts":[{"kind":"text","text":"fuzz"}]},"configuration":{"blocking":true}}}"#,
        #"{"jsonrpc":"2.0","id":3,"method":"message/stream","params":{"message":{"kind":"message","messageId":"m4","role":"user","parts":[{"kind":"text","text":"x"}]}}}"#,
        #"{"jsonrpc":"2.0","id":4,"method":"GetTask","params":{"id":"t","historyLength":1}}"#,
        #"{"jsonrpc":"2.0","id":5,"method":"ListTasks","params":{"pageSize":10,"pageToken":"abc","status":"TASK_STATE_WORKING"}}"#,
        #"{"jsonrpc":"2.0","id":6,"method":"CancelTask","params":{"id":"t"}}"#,
        #"{"jsonrpc":"2.0","id":7,"method":"SubscribeToTask","params":{"id":"t"}}"#,
        #"{"jsonrpc":"2.0","id":8,"method":"tasks/resubscribe","params":{"id":"t"}}"#,
        #"{"jsonrpc":"2.0","id":9,"method":"tasks/pushNotificationConfig/set","params":{"taskId":"t"}}"#,
        #"{"content":{"type":"text","text":"raw"},"role":"user","message_id":"pm"}"#,
        #"{"id":"task-1","sessionId":"s1","message":{"role":"user","content":{"type":"text","text":"legacy"}}}"#,
        #"{"jsonrpc":"2.0","id":10,"method":"tasks/send","params":{"id":"x","message":{"role":"user","parts":[{"type":"text","text":"p"}]}}}"#,
        #"{"jsonrpc":"2.0","id":11,"method":"tasks/get","params":{"id":"x"}}"#,
    ]

    static let strange: [String] = [
        "null", "true", "1", "-0", "1e999999", "-1e-999999", "123456789012345678901234567890", "\"\"", "[]", "{}",
        #""\ud800""#, #""\u0000""#, #"{"a":1,"a":2}"#, "[[[]]]", #""é\uFFFF""#, "0.0000000000000000000001",
    ]

    static func pick<T>(_ items: [T], _ rng: inout SplitMix64) -> T { items[Int(rng.next() % UInt64(items.count))] }

    static func body(_ rng: inout SplitMix64) -> [UInt8] {
        let template = Array(pick(templates, &rng).utf8)
        switch rng.next() % 12 {
        case 0:  // random bytes (mostly invalid UTF-8)
            return (0..<Int(rng.next() % 2048)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        case 1:  // truncated
            return Array(template.prefix(Int(rng.next() % UInt64(template.count))))
        case 2:  // a few bytes flipped
            var t = template
            for _ in 0...(rng.next() % 6) { t[Int(rng.next() % UInt64(t.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            return t
        case 3, 4:  // a value of the wrong type in a known place
            return wrongType(template, &rng)
        case 5:  // deep nesting
            let depth = 200 + Int(rng.next() % 100_000)
            let open = pick(["[", #"{"a":"#, #"{"params":"#], &rng)
            let close = open == "[" ? "]" : "}"
            let closed = rng.next() % 2 == 0
            let text = #"{"jsonrpc":"2.0","id":1,"method":"SendMessage","params":"# + String(repeating: open, count: depth) + "1" + (closed ? String(repeating: close, count: depth) : "") + "}"
            return Array(text.utf8)
        case 6:  // huge strings, within and beyond the body limit
            let size = pick([10_000, 200_000, 900_000, 1_100_000, 3_000_000], &rng)
            let place = pick(["text", "method", "id", "messageId"], &rng)
            let huge = String(repeating: pick(["x", "é", "\\n", "\\\""], &rng), count: size / 2)
            let text: String = switch place {
            case "method": #"{"jsonrpc":"2.0","id":1,"method":"\#(huge)","params":{}}"#
            case "id": #"{"jsonrpc":"2.0","id":"\#(huge)","method":"GetTask","params":{"id":"t"}}"#
            case "messageId": #"{"jsonrpc":"2.0","id":1,"method":"SendMessage","params":{"message":{"messageId":"\#(huge)","role":"ROLE_USER","parts":[{"text":"x"}]}}}"#
            default: #"{"jsonrpc":"2.0","id":1,"method":"message/send","params":{"message":{"kind":"message","messageId":"h","role":"user","parts":[{"kind":"text","text":"\#(huge)"}]}}}"#
            }
            return Array(text.utf8)
        case 7:  // invalid UTF-8 inside a string
            var t = template
            let bad: [[UInt8]] = [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x00]]
            if let quote = t.indices.filter({ t[$0] == UInt8(ascii: "\"") }).randomElement(using: &rng) {
                t.insert(contentsOf: pick(bad, &rng), at: quote + 1)
            }
            return t
        case 8:  // strange scalars and documents
            return Array(pick(strange, &rng).utf8)
        case 9:  // a body that is only whitespace, or empty
            return Array(pick(["", " ", "\n\n", "\t"], &rng).utf8)
        case 10:  // two documents, or trailing garbage
            return template + Array(pick(["{}", "]", "garbage", "\u{0}"], &rng).utf8)
        default:  // a valid request: the server keeps working in between
            return template
        }
    }

    /// Replaces one known member's value with a value of another type.
    static func wrongType(_ template: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        let text = String(decoding: template, as: UTF8.self)
        let keys = ["\"params\":", "\"message\":", "\"parts\":", "\"id\":", "\"method\":", "\"role\":", "\"text\":", "\"messageId\":",
                    "\"configuration\":", "\"historyLength\":", "\"pageSize\":", "\"content\":", "\"jsonrpc\":", "\"kind\":"]
        let present = keys.filter { text.contains($0) }
        guard let key = present.randomElement(using: &rng), let range = text.range(of: key) else { return template }
        let replacement = pick(["null", "42", "-1", "1.5", "true", "\"\"", "\"x\"", "[]", "[1,\"a\",null]", "{}", #"{"x":{"y":[]}}"#, "1e400", "99999999999999999999"], &rng)
        // Replace the value up to the next ',' or '}' at the same level (roughly: good enough to break types).
        var end = range.upperBound
        var depth = 0
        var inString = false
        while end < text.endIndex {
            let c = text[end]
            if inString {
                if c == "\\" { end = text.index(after: end) } else if c == "\"" { inString = false }
            } else if c == "\"" { inString = true } else if c == "{" || c == "[" { depth += 1 } else if c == "}" || c == "]" {
                if depth == 0 { break }
                depth -= 1
            } else if c == ",", depth == 0 { break }
            if end < text.endIndex { end = text.index(after: end) }
        }
        return Array((String(text[..<range.upperBound]) + replacement + String(text[end...])).utf8)
    }
}
