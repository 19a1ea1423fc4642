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
        URL(fileURLWithPath: try RunPipelines.write("""
            name: tiny
            agents:
              echo: { builtin: echo }
            stages:
              - id: shout
                agent: echo
            """, name: "tiny.yaml"))
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
        // --verbose: the server logs each request as it starts handling it.
        let (server, url) = try await ServeCommandTests.serve(try Self.pipeline(), arguments: ["--verbose"])
        defer { server.send(SIGKILL) }
        let port = try #require(URL(string: url)?.port)
        // A request whose body never finishes: the graceful shutdown waits for it (up to its
        // 10 s bound), which is the wait a second Ctrl-C cuts short.
        let held = try RawHTTP.connect(port: port)
        defer { close(held) }
        let partial = Array("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"jsonrpc\"".utf8)
        _ = partial.withUnsafeBytes { send(held, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        // Bounded wait until the server's log shows the request in its hands.
        var handling = false
        for _ in 0..<600 where !handling {
            handling = server.stderrText().contains("POST")
            if !handling { _ = await server.wait(timeout: .milliseconds(50)) }
        }
        try #require(handling, "the server never logged the held request: \(server.stderrText())")

        server.send(SIGINT)
        // The server's own words say the first signal was taken and the shutdown has begun.
        var stopping = false
        for _ in 0..<600 where !stopping {
            stopping = server.stderrText().contains("stopping")
            if !stopping, let status = await server.wait(timeout: .milliseconds(50)) {
                Issue.record("the server ended before the second signal (\(status)): \(server.stderrText())")
                return
            }
        }
        try #require(stopping, "the first SIGINT was not taken: \(server.stderrText())")
        server.send(SIGINT)
        let status = await server.wait(timeout: .seconds(30))
        if status == nil { await server.stop() }
        #expect(status == 130, "a second SIGINT did not force the exit: \(server.stderrText())")
        #expect(server.stderrText().contains("forced exit"))
    }
}
