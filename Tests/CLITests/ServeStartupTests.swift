import Foundation
import PeerSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `serve` and `agent` when they cannot listen, or are told to stop while starting: one line,
/// a clear exit code, and never a hang. Bounds here are hang guards, not speed claims.
@Suite("a2a-pipe serve/agent: start-up", .timeLimit(.minutes(3)))
struct ServeStartupTests {
    static func pipeline() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("startup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("tiny.yaml")
        try """
        name: tiny
        agents:
          echo: { builtin: echo }
        stages:
          - id: shout
            agent: echo
        """.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Runs a command that must fail to listen; returns its exit status and stderr lines.
    static func failingToListen(_ arguments: [String]) async throws -> (Int32, [String]) {
        let program = try RunningProgram(CLI.executable, arguments: arguments)
        guard let status = await program.wait(timeout: .seconds(30)) else {
            await program.stop()
            Issue.record("`a2a-pipe \(arguments.joined(separator: " "))` hung: \(program.stderrText())")
            return (-1, [])
        }
        return (status, program.stderrText().split(whereSeparator: \.isNewline).map(String.init))
    }

    @Test("a port in use: one line naming host, port and the fix, exit 2", arguments: ["serve", "agent"])
    func busyPort(command: String) async throws {
        let (holder, url) = try await ServeCommandTests.serve(arguments: ["agent", "echo", "--port", "0"])
        defer { holder.send(SIGKILL) }
        let port = try #require(URL(string: url)?.port)
        let arguments = command == "serve"
            ? ["serve", try Self.pipeline().path, "--port", "\(port)"]
            : ["agent", "echo", "--port", "\(port)"]
        let (status, lines) = try await Self.failingToListen(arguments)
        #expect(status == 2)
        #expect(lines == ["error: cannot listen on 127.0.0.1:\(port): address already in use; pick another --port"])
        // The holder is untouched.
        #expect(await holder.wait(timeout: .milliseconds(10)) == nil)
    }

    @Test("an address that is not this machine's: one line, exit 2")
    func unassignableHost() async throws {
        // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to a host, so bind fails with EADDRNOTAVAIL.
        let (status, lines) = try await Self.failingToListen(["agent", "echo", "--host", "192.0.2.1", "--port", "0"])
        #expect(status == 2)
        #expect(lines == ["error: cannot listen on 192.0.2.1:0: the address is not one of this machine's; pick another --host"])
    }

    @Test("a host name that does not resolve: one line, exit 2")
    func unresolvableHost() async throws {
        // `.invalid` never resolves (RFC 6761).
        let (status, lines) = try await Self.failingToListen(["serve", try Self.pipeline().path, "--host", "no-such-host.invalid", "--port", "0"])
        #expect(status == 2)
        #expect(lines == ["error: cannot listen on no-such-host.invalid:0: the host name does not resolve; pick another --host"])
    }

    @Test("SIGINT or SIGTERM during start-up ends the process", arguments: [SIGINT, SIGTERM])
    func signalDuringStartup(signal: Int32) async throws {
        let program = try RunningProgram(CLI.executable, arguments: ["serve", try Self.pipeline().path, "--port", "0"])
        // At once: the process is still starting (loading, opening the store, binding).
        program.send(signal)
        let status = await program.wait(timeout: .seconds(30))
        if status == nil { await program.stop() }
        #expect(status != nil, "the process ignored the signal: \(program.stderrText())")
    }

    @Test("a second SIGINT forces the exit while the shutdown still waits")
    func secondSignalForcesExit() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("startup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let (file, pidFile, termLog) = (dir.appendingPathComponent("stubborn.yaml"), dir.appendingPathComponent("tiny.pid"), dir.appendingPathComponent("term.log"))
        let port = try freePort()
        // A launched agent that ignores SIGTERM keeps the shutdown waiting (for its stop grace).
        try """
        name: stubborn
        agents:
          tiny:
            url: "http://127.0.0.1:\(port)"
            launch: ["python3", "\(try PeerScripts.url(for: "tiny_agent.py").path)", "\(port)", "\(pidFile.path)", "\(termLog.path)"]
            launch_timeout: 60s
        stages:
          - id: shout
            agent: tiny
        """.write(to: file, atomically: true, encoding: .utf8)
        let (server, url) = try await ServeCommandTests.serve(file)
        defer { server.send(SIGKILL) }
        let call = try await CLI.run(["call", url, "hello"], timeout: .seconds(90))
        try #require(call.exitCode == 0, "\(call.stderr)\n\(server.stderrText())")
        let launched = try #require(Int32(String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        defer { kill(launched, SIGKILL) }

        server.send(SIGINT)
        // The agent's own log says the shutdown reached it and it refused: the server now waits.
        var refused = false
        for _ in 0..<600 where !refused {
            refused = ((try? String(contentsOf: termLog, encoding: .utf8)) ?? "").contains("SIGTERM ignored")
            if !refused { _ = await server.wait(timeout: .milliseconds(50)) }
        }
        try #require(refused, "the shutdown never stopped the launched agent: \(server.stderrText())")
        server.send(SIGINT)
        let status = await server.wait(timeout: .seconds(30))
        if status == nil { await server.stop() }
        #expect(status == 130, "a second SIGINT did not force the exit: \(server.stderrText())")
        #expect(server.stderrText().contains("forced exit"))
    }
}
