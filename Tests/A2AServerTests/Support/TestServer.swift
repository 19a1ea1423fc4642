import A2A
import A2AServer
import AsyncHTTPClient
import BuiltinAgents
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// Runs an ``A2AServer`` on 127.0.0.1 with an ephemeral port for the duration of `body`.
func withServer<T: Sendable>(
    agent: any AgentExecutor,
    card: AgentCard = AgentCard(name: "test", description: "test agent", version: "1.0.0", supportedInterfaces: []),
    configuration: A2AServerConfiguration = A2AServerConfiguration(host: "127.0.0.1", port: 0),
    _ body: @Sendable (A2AServer, String) async throws -> T
) async throws -> T {
    var configuration = configuration
    configuration.host = "127.0.0.1"
    configuration.port = 0
    var logger = Logger(label: "test.server")
    logger.logLevel = .critical
    let server = A2AServer(agent: agent, card: card, configuration: configuration, logger: logger)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await server.run()
            return nil
        }
        let port = try await server.waitUntilRunning(timeout: .seconds(30))
        let result = try await body(server, "http://127.0.0.1:\(port)")
        group.cancelAll()
        return result
    }
}

/// Runs a built-in agent.
func withBuiltin<T: Sendable>(
    _ name: String, settings: [String: String] = [:],
    configuration: A2AServerConfiguration = A2AServerConfiguration(),
    _ body: @Sendable (A2AServer, String) async throws -> T
) async throws -> T {
    let registry = BuiltinAgentRegistry.standard
    let agent = try registry.makeAgent(name, settings: AgentSettings(settings))
    return try await withServer(agent: agent, card: registry[name]!.card, configuration: configuration, body)
}

/// A raw HTTP exchange.
struct RawResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: String

    var json: JSONValue { (try? JSONParser().parse(body)) ?? .null }
    var contentType: String { headers.first(name: "content-type") ?? "" }

    /// The JSON of each SSE `data:` line.
    var events: [JSONValue] {
        body.split(separator: "\n", omittingEmptySubsequences: true)
            .filter { $0.hasPrefix("data: ") }
            .compactMap { try? JSONParser().parse(String($0.dropFirst(6))) }
    }
}

/// A shared client with room for many concurrent connections.
let testHTTPClient: HTTPClient = {
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 512
    configuration.timeout.read = .seconds(60)
    return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
}()

/// POSTs a body and reads the whole answer (bounded).
func post(
    _ url: String, _ body: String, headers: [(String, String)] = [], method: HTTPMethod = .POST,
    timeout: TimeAmount = .seconds(60)
) async throws -> RawResponse {
    var request = HTTPClientRequest(url: url)
    request.method = method
    request.headers.add(name: "Content-Type", value: "application/json")
    for (k, v) in headers { request.headers.add(name: k, value: v) }
    if method == .POST { request.body = .bytes(ByteBuffer(string: body)) }
    let response = try await testHTTPClient.execute(request, timeout: timeout)
    let bytes = try await response.body.collect(upTo: 64 << 20)
    return RawResponse(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
}

/// A 1.0 JSON-RPC request body.
func rpc(_ method: String, _ params: JSONValue, id: JSONValue = 1) -> String {
    JSONWriter.string(["jsonrpc": "2.0", "id": id, "method": .string(method), "params": params])
}

/// A 1.0 user message.
func message10(_ text: String, taskId: String? = nil, contextId: String? = nil) -> JSONValue {
    var o: JSONObject = ["messageId": .string(IDs.make()), "role": "ROLE_USER", "parts": [["text": .string(text)]]]
    if let taskId { o["taskId"] = .string(taskId) }
    if let contextId { o["contextId"] = .string(contextId) }
    return .object(o)
}

/// A 0.3 user message.
func message03(_ text: String, taskId: String? = nil) -> JSONValue {
    var o: JSONObject = ["kind": "message", "messageId": .string(IDs.make()), "role": "user", "parts": [["kind": "text", "text": .string(text)]]]
    if let taskId { o["taskId"] = .string(taskId) }
    return .object(o)
}

let v1: [(String, String)] = [("A2A-Version", "1.0")]

/// A one-shot event another task fires; waits for it are bounded.
final class Signal: Sendable {
    private struct State {
        var fired = false
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var next = 0
    }

    private let state = Mutex(State())

    func fire() {
        let waiters = state.withLock { s in
            s.fired = true
            defer { s.waiters.removeAll() }
            return Array(s.waiters.values)
        }
        for w in waiters { w.resume() }
    }

    var hasFired: Bool { state.withLock { $0.fired } }

    /// Returns whether the signal fired within `timeout`.
    func wait(timeout: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.waitUntilFired()
                return self.hasFired
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first || hasFired
        }
    }

    private func waitUntilFired() async {
        let id = state.withLock { s in
            s.next += 1
            return s.next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { s in
                    if s.fired || Task.isCancelled { return true }
                    s.waiters[id] = c
                    return false
                }
                if ready { c.resume() }
            }
        } onCancel: {
            let w = state.withLock { $0.waiters.removeValue(forKey: id) }
            w?.resume()
        }
    }
}

/// Concatenates the text of every artifact chunk in a list of 1.0 or 0.3 stream results.
func artifactText(_ results: [JSONValue]) -> String {
    var out = ""
    for r in results {
        let u: JSONValue? = r["artifactUpdate"] ?? (r["kind"] == "artifact-update" ? r : nil)
        guard let u, let parts = u["artifact"]?["parts"]?.arrayValue else { continue }
        for p in parts { out += p["text"]?.stringValue ?? "" }
    }
    return out
}

extension JSONValue {
    /// Element lookup when this is an array; `nil` otherwise or out of range.
    subscript(_ index: Int) -> JSONValue? {
        guard case .array(let a) = self, a.indices.contains(index) else { return nil }
        return a[index]
    }
}
