import AsyncHTTPClient
import Foundation
import NIOCore
import PeerSupport
import SQLiteNIO
import Testing

/// `a2a-pipe serve --store sqlite:…` killed with SIGKILL mid-run and started again on the same
/// file, several times: every completed task answers byte for byte as before (A2A 1.0 and 0.3
/// JSON-RPC, python-a2a `tasks/get`, and in `ListTasks`), the interrupted one is failed with
/// the restart message and its output so far, and SQLite's integrity check passes each time.
@Suite("a2a-pipe serve --store sqlite (crash and restart)", .timeLimit(.minutes(5)))
struct DurableServeTests {
    static let restartedMessage =
        "The server restarted while this task was running, so it did not finish; its output so far is kept. Send the message again to run it anew."

    /// One built-in stage that streams its input back word by word, 2 ms apart: a few words
    /// finish at once, thousands keep the run going until the test kills the server.
    static func pipeline(in dir: URL) throws -> URL {
        let file = dir.appendingPathComponent("durable.yaml")
        try """
        name: durable
        description: Streams the input back word by word.
        agents:
          words: { builtin: words, with: { delay: 2ms } }
        stages:
          - id: say
            agent: words
        output: say
        """.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.read = .seconds(30)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// POSTs `body` and returns the answer's body.
    static func post(_ url: String, _ body: String, version: String? = "1.0") async throws -> String {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let version { request.headers.add(name: "A2A-Version", value: version) }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        #expect(response.status.code == 200, "\(body) → \(String(buffer: bytes))")
        return String(buffer: bytes)
    }

    static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    static func send(_ url: String, _ text: String, returnImmediately: Bool) async throws -> [String: Any] {
        let body = """
            {"jsonrpc":"2.0","id":1,"method":"SendMessage","params":{"message":{"messageId":"\(UUID().uuidString)","role":"ROLE_USER","parts":[{"text":"\(text)"}]},"configuration":{"returnImmediately":\(returnImmediately)}}}
            """
        let answer = json(try await post(url, body))
        return (answer["result"] as? [String: Any])?["task"] as? [String: Any] ?? ["error": answer]
    }

    /// The three raw answers about a task that must not change across restarts.
    static func answers(_ url: String, _ id: String) async throws -> [String] {
        [
            try await post(url, #"{"jsonrpc":"2.0","id":7,"method":"GetTask","params":{"id":"\#(id)"}}"#),
            try await post(url, #"{"jsonrpc":"2.0","id":7,"method":"tasks/get","params":{"id":"\#(id)"}}"#, version: "0.3"),
            try await post(url + "/tasks/get", #"{"jsonrpc":"2.0","id":7,"method":"tasks/get","params":{"id":"\#(id)"}}"#, version: nil),
        ]
    }

    static func task(_ url: String, _ id: String) async throws -> [String: Any] {
        json(try await post(url, #"{"jsonrpc":"2.0","id":1,"method":"GetTask","params":{"id":"\#(id)"}}"#))["result"] as? [String: Any] ?? [:]
    }

    static func state(_ task: [String: Any]) -> String { (task["status"] as? [String: Any])?["state"] as? String ?? "" }

    static func text(_ task: [String: Any]) -> String {
        ((task["artifacts"] as? [[String: Any]]) ?? []).flatMap { ($0["parts"] as? [[String: Any]]) ?? [] }
            .compactMap { $0["text"] as? String }.joined()
    }

    static func statusText(_ task: [String: Any]) -> String {
        let message = (task["status"] as? [String: Any])?["message"] as? [String: Any]
        return ((message?["parts"] as? [[String: Any]]) ?? []).compactMap { $0["text"] as? String }.joined()
    }

    /// `PRAGMA integrity_check` on the file, opened on its own (the server is not running).
    static func integrity(_ path: String) async throws -> String {
        let db = try await SQLiteConnection.open(storage: .file(path: path))
        let rows = try await db.query("PRAGMA integrity_check")
        try await db.close()
        return rows.compactMap { $0.columns.first?.data.string }.joined(separator: "; ")
    }

    /// The rows of a running task's event log in the file.
    static func loggedEvents(_ path: String, taskId: String) async throws -> Int {
        let db = try await SQLiteConnection.open(storage: .file(path: path))
        let rows = try await db.query("SELECT COUNT(*) AS n FROM task_events WHERE task_id = ?1", [.text(taskId)])
        try await db.close()
        return Int(rows.first?.column("n")?.integer ?? 0)
    }

    @Test("kill -9 mid-run, three times: finished tasks answer byte for byte as before, the interrupted one is failed, the file is intact")
    func crashAndRestart() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("durable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try Self.pipeline(in: dir)
        let db = dir.appendingPathComponent("tasks.db").path
        let arguments = ["serve", file.path, "--port", "0", "--store", "sqlite:\(db)"]
        let longInput = (0..<20_000).map { "w\($0)" }.joined(separator: " ")

        var finished: [String: [String]] = [:]  // task id → its three answers
        var interrupted: String?
        for cycle in 0..<4 {
            let (server, url) = try await ServeCommandTests.serve(arguments: arguments)

            // Everything finished before the last kill answers as it did.
            for (id, before) in finished.sorted(by: { $0.key < $1.key }) {
                #expect(try await Self.answers(url, id) == before, "task \(id) changed across the restart (cycle \(cycle))")
            }
            if let id = interrupted {
                let task = try await Self.task(url, id)
                #expect(Self.state(task) == "TASK_STATE_FAILED", "\(task)")
                #expect(Self.statusText(task) == Self.restartedMessage)
                let partial = Self.text(task)
                #expect(!partial.isEmpty && longInput.hasPrefix(partial), "the output so far is kept: \(partial.prefix(80))…")
                #expect(server.stderrText().contains("marked failed: \(id)"))
                finished[id] = try await Self.answers(url, id)
            }
            // ListTasks has every task, each as GetTask shows it.
            let list = Self.json(try await Self.post(url, #"{"jsonrpc":"2.0","id":1,"method":"ListTasks","params":{"pageSize":100,"includeArtifacts":true}}"#))
            let listed = ((list["result"] as? [String: Any])?["tasks"] as? [[String: Any]]) ?? []
            #expect(Set(listed.compactMap { $0["id"] as? String }).isSuperset(of: finished.keys))
            for entry in listed {
                guard let id = entry["id"] as? String, let answers = finished[id] else { continue }
                let got = Self.json(answers[0])["result"] as? [String: Any] ?? [:]
                #expect(NSDictionary(dictionary: entry).isEqual(to: got), "ListTasks shows \(id) as GetTask does")
            }
            if cycle == 3 {
                // A graceful stop (SIGTERM) cancels the running task and saves it so.
                let started = try await Self.send(url, longInput, returnImmediately: true)
                let id = try #require(started["id"] as? String, "\(started)")
                for _ in 0..<600 {
                    if Self.state(try await Self.task(url, id)) == "TASK_STATE_WORKING" { break }
                    _ = await server.wait(timeout: .milliseconds(20))
                }
                await server.stop()
                #expect(!server.stderrText().contains("error"), "\(server.stderrText())")
                let (again, againURL) = try await ServeCommandTests.serve(arguments: arguments)
                let stopped = try await Self.task(againURL, id)
                #expect(Self.state(stopped) == "TASK_STATE_CANCELED", "\(stopped)")
                #expect(Self.statusText(stopped) == "The server is shutting down")
                await again.stop()
                break
            }

            // Two runs complete; one is left running.
            for n in 0..<2 {
                let task = try await Self.send(url, "cycle \(cycle) run \(n) done", returnImmediately: false)
                let id = try #require(task["id"] as? String, "\(task)")
                #expect(Self.state(task) == "TASK_STATE_COMPLETED")
                #expect(Self.text(task) == "cycle \(cycle) run \(n) done")
                finished[id] = try await Self.answers(url, id)
                // The blocking answer is the task as stored.
                #expect(Self.json(finished[id]![0])["result"] as? NSDictionary == task as NSDictionary)
            }
            let started = try await Self.send(url, longInput, returnImmediately: true)
            let id = try #require(started["id"] as? String, "\(started)")
            var seen: [String: Any] = [:]
            for _ in 0..<600 {  // until some output was written (hang guard only)
                seen = try await Self.task(url, id)
                if Self.text(seen).count > 200 { break }
                _ = await server.wait(timeout: .milliseconds(20))
            }
            #expect(Self.state(seen) == "TASK_STATE_WORKING", "\(Self.state(seen))")
            // Chunks are written at most every 200 ms: kill once some are in the file (read
            // beside the running server, as WAL allows).
            for _ in 0..<600 {
                if try await Self.loggedEvents(db, taskId: id) > 0 { break }
                _ = await server.wait(timeout: .milliseconds(20))
            }
            interrupted = id

            server.send(SIGKILL)
            #expect(await server.wait(timeout: .seconds(10)) != nil)
            #expect(try await Self.integrity(db) == "ok")
        }
        #expect(try await Self.integrity(db) == "ok")
        #expect(finished.count == 3 * 3)
    }
}
