import A2A
import A2AServer
import BuiltinAgents
import Foundation
import PeerSupport
import Testing

/// The real Python clients against our server on 127.0.0.1: a2a-sdk 1.3.0 (A2A 1.0), a2a-sdk
/// 0.3.26 (A2A 0.3) and python-a2a 0.5.10 (`A2AClient`, `StreamingClient`, `ask`).
@Suite("Interop with real Python clients", .serialized)
struct InteropTests {
    static let agents = ["echo", "words", "progress", "structured", "task"]
    static let input = "alpha beta gamma"

    /// Fast settings, so each demo runs in well under a second.
    static func settings(_ agent: String) -> [String: String] {
        switch agent {
        case "words": ["delay": "5ms"]
        case "progress": ["steps": "3", "delay": "20ms"]
        case "structured": ["items": "3", "delay": "10ms"]
        case "task": ["steps": "3", "delay": "20ms"]
        default: [:]
        }
    }

    static func expected(_ agent: String) -> String {
        switch agent {
        case "structured": (1...3).map { "Item \($0): \(input)\n" }.joined()
        case "task": "Processed input: \(input)"
        default: input
        }
    }

    static func lines(_ stdout: String) -> [JSONValue] {
        stdout.split(separator: "\n").compactMap { try? JSONParser().parse(String($0)) }
    }

    static func clientsDirectory() -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Clients")
    }

    /// Runs one of our own client scripts (Clients/) with a venv's python.
    static func runOwnClient(_ script: String, venv: VirtualEnv, _ arguments: [String]) async throws -> (exitCode: Int32, stdout: String, stderr: String) {
        let python = try await PythonEnvironment.shared.python(for: venv)
        let path = clientsDirectory().appendingPathComponent(script).path
        return try await runProgram(
            python, arguments: ["-u", path] + arguments, timeout: .seconds(120),
            environment: ["PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"])
    }

    @Test("a2a-sdk 1.3.0 client streams", arguments: agents)
    func sdk13Streams(agent: String) async throws {
        try await withBuiltin(agent, settings: Self.settings(agent)) { _, url in
            let r = try await runPythonClient(script: "sdk13_client.py", venv: .sdk13, arguments: [url, Self.input, "--stream"], timeout: .seconds(120))
            #expect(r.exitCode == 0, "\(r.stdout)\n\(r.stderr)")
            let events = Self.lines(r.stdout)
            #expect(events.first?["task"] != nil)
            #expect(artifactText(events) == Self.expected(agent))
            #expect(events.last?["statusUpdate"]?["status"]?["state"] == "TASK_STATE_COMPLETED")
            if agent == "progress" || agent == "task" {
                let progress = events.compactMap { $0["statusUpdate"]?["metadata"]?["progress"]?.doubleValue }
                #expect(progress.last == 1)
                #expect(progress.count >= 3)
            }
        }
    }

    @Test("a2a-sdk 0.3.26 client streams", arguments: agents)
    func sdk03Streams(agent: String) async throws {
        try await withBuiltin(agent, settings: Self.settings(agent)) { _, url in
            let r = try await runPythonClient(script: "sdk03_client.py", venv: .sdk03, arguments: [url, Self.input], timeout: .seconds(120))
            #expect(r.exitCode == 0, "\(r.stdout)\n\(r.stderr)")
            let events = Self.lines(r.stdout)
            #expect(events.first?["kind"] == "task")
            #expect(artifactText(events) == Self.expected(agent))
            let last = events.last { $0["kind"] == "status-update" }
            #expect(last?["status"]?["state"] == "completed")
            #expect(last?["final"] == true)
        }
    }

    @Test("python-a2a A2AClient streams", arguments: agents)
    func pythonA2AClientStreams(agent: String) async throws {
        try await withBuiltin(agent, settings: Self.settings(agent)) { _, url in
            let r = try await runPythonClient(script: "pa2a_client.py", venv: .pythonA2A, arguments: [url, Self.input, "--mode", "a2aclient"], timeout: .seconds(120))
            #expect(r.exitCode == 0, "\(r.stdout)\n\(r.stderr)")
            let items = Self.lines(r.stdout)
            let text = items.compactMap { $0["text"]?.stringValue }.joined()
            #expect(text == Self.expected(agent))
            #expect(items.last?["lastChunk"] == true)
        }
    }

    @Test("python-a2a StreamingClient streams", arguments: agents)
    func pythonA2AStreamingClientStreams(agent: String) async throws {
        try await withBuiltin(agent, settings: Self.settings(agent)) { _, url in
            let r = try await runPythonClient(script: "pa2a_client.py", venv: .pythonA2A, arguments: [url, Self.input, "--mode", "streaming"], timeout: .seconds(120))
            #expect(r.exitCode == 0, "\(r.stdout)\n\(r.stderr)")
            let items = Self.lines(r.stdout)
            #expect(items.compactMap { $0["content"]?.stringValue }.joined() == Self.expected(agent))
            #expect(items.last?["lastChunk"] == true)
            if agent == "structured" {
                let types = items.compactMap { $0["meta"]?["type"]?.stringValue }
                #expect(types == ["header", "data", "data", "data", "footer"])
            }
            if agent == "progress" {
                #expect(items.contains { $0["meta"]?["progress"] == 1 && $0["meta"]?["status"] == "step 3 of 3" })
            }
        }
    }

    @Test("python-a2a ask (tasks/send)")
    func pythonA2AAsk() async throws {
        try await withBuiltin("echo") { _, url in
            let r = try await runPythonClient(script: "pa2a_client.py", venv: .pythonA2A, arguments: [url, Self.input, "--mode", "ask"], timeout: .seconds(120))
            #expect(r.exitCode == 0, "\(r.stdout)\n\(r.stderr)")
            #expect(Self.lines(r.stdout).first?["text"]?.stringValue == Self.input)
        }
    }

    @Test("SDK clients continue a task that asked for input")
    func multiTurn() async throws {
        try await withBuiltin("echo") { _, url in
            let r13 = try await runPythonClient(script: "sdk13_client.py", venv: .sdk13, arguments: [url, "", "--no-stream", "--follow-up", "second turn"], timeout: .seconds(120))
            #expect(r13.exitCode == 0, "\(r13.stdout)\n\(r13.stderr)")
            let e13 = Self.lines(r13.stdout)
            #expect(e13.first?["task"]?["status"]?["state"] == "TASK_STATE_INPUT_REQUIRED")
            #expect(e13.last?["task"]?["status"]?["state"] == "TASK_STATE_COMPLETED")
            #expect(e13.last?["task"]?["artifacts"]?[0]?["parts"]?[0]?["text"] == "second turn")
            #expect(e13.first?["task"]?["id"] == e13.last?["task"]?["id"])

            let r03 = try await runPythonClient(script: "sdk03_client.py", venv: .sdk03, arguments: [url, "", "--follow-up", "second turn"], timeout: .seconds(120))
            #expect(r03.exitCode == 0, "\(r03.stdout)\n\(r03.stderr)")
            let e03 = Self.lines(r03.stdout)
            #expect(e03.contains { $0["status"]?["state"] == "input-required" })
            #expect(artifactText(e03) == "second turn")
            #expect(e03.last { $0["kind"] == "status-update" }?["status"]?["state"] == "completed")
        }
    }

    @Test("SDK clients start a task without waiting, subscribe and get it", arguments: [VirtualEnv.sdk13, .sdk03])
    func followWithSubscribeAndGet(venv: VirtualEnv) async throws {
        // 2 s of work: the client subscribes right after its non-blocking send returns; the
        // margin keeps the task running then even on a loaded machine.
        try await withBuiltin("task", settings: ["steps": "20", "delay": "100ms"]) { _, url in
            let script = venv == .sdk13 ? "sdk13_tasks.py" : "sdk03_tasks.py"
            let r = try await Self.runOwnClient(script, venv: venv, [url, Self.input, "follow"])
            #expect(r.exitCode == 0, "\(r.stdout)\n\(r.stderr)")
            let lines = Self.lines(r.stdout)
            let started = lines.first?["started"]
            #expect(started?["status"]?["state"] == (venv == .sdk13 ? "TASK_STATE_SUBMITTED" : "submitted"))
            let events = lines.compactMap { $0["event"] }
            #expect(events.first?["task"] != nil || events.first?["kind"] == "task")
            #expect(artifactText(events) == "Processed input: \(Self.input)")
            let got = lines.last?["get"]
            #expect(got?["status"]?["state"] == (venv == .sdk13 ? "TASK_STATE_COMPLETED" : "completed"))
            #expect(got?["artifacts"]?[0]?["parts"]?[0]?["text"]?.stringValue == "Processed input: \(Self.input)")
        }
    }

    @Test("SDK clients cancel a running task; cancelling again is -32002", arguments: [VirtualEnv.sdk13, .sdk03])
    func cancel(venv: VirtualEnv) async throws {
        try await withBuiltin("task", settings: ["steps": "100", "delay": "100ms"]) { server, url in
            let script = venv == .sdk13 ? "sdk13_tasks.py" : "sdk03_tasks.py"
            let r = try await Self.runOwnClient(script, venv: venv, [url, Self.input, "cancel"])
            #expect(r.exitCode == 0, "\(r.stdout)\n\(r.stderr)")
            let lines = Self.lines(r.stdout)
            let canceled = venv == .sdk13 ? "TASK_STATE_CANCELED" : "canceled"
            #expect(lines.first { $0["cancel"] != nil }?["cancel"]?["status"]?["state"]?.stringValue == canceled)
            let again = lines.first { $0["cancelAgain"] != nil }?["cancelAgain"]?.stringValue ?? ""
            #expect(again.contains("-32002") || again.contains("TaskNotCancelable"), "\(again)")
            #expect(lines.last?["get"]?["status"]?["state"]?.stringValue == canceled)
            #expect(server.activeTaskCount == 0)
        }
    }
}
