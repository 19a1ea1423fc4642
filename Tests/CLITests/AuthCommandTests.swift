import Foundation
import PeerSupport
import Testing

/// `--auth-token-env` on `agent` and `serve`, `call --token-env`, and the rule that a token
/// never shows up in any output, event or log line.
@Suite("auth tokens on the command line", .timeLimit(.minutes(5)))
struct AuthCommandTests {
    static func pipeline(agentURL: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("auth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("authed.yaml")
        try """
        name: authed
        agents:
          remote:
            url: "\(agentURL)"
            headers:
              Authorization: "Bearer ${AGENT_TOKEN}"
          words: { builtin: words, with: { delay: 1ms } }
        stages:
          - id: fetch
            agent: remote
          - id: restream
            agent: words
            input: "{{ stages.fetch.output }}"
        output: restream
        """.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test("a token in a pipeline's headers, and the served pipeline's own tokens, never appear in any output, event or log line")
    func tokensNeverLeak() async throws {
        let agentToken = "agent-tok-\(UUID().uuidString)"
        let serveToken = "serve-tok-\(UUID().uuidString)"
        let wrongToken = "wrong-tok-\(UUID().uuidString)"
        let secrets = [agentToken, serveToken, wrongToken]
        func leaks(_ texts: String...) -> [String] {
            secrets.filter { secret in texts.contains { $0.contains(secret) } }
        }

        // The remote agent requires AGENT_TOKEN.
        let (agent, agentURL) = try await ServeCommandTests.start(
            ["agent", "echo", "--port", "0", "--auth-token-env", "AGENT_TOKEN", "--verbose"], environment: ["AGENT_TOKEN": agentToken])
        let file = try Self.pipeline(agentURL: agentURL)
        let input = "tokens stay secret"

        let run = try await CLI.run(["run", file.path, "--input", input, "--output", "jsonl"], environment: ["AGENT_TOKEN": agentToken])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.stdout.contains("pipeline.completed"), "jsonl events on stdout")
        #expect(run.stdout.contains("tokens") && run.stdout.contains("secret"))
        #expect(leaks(run.stdout, run.stderr).isEmpty)

        // A wrong token: the agent answers 401 (with a JSON-RPC error body); the error says so without the token.
        let refused = try await CLI.run(["run", file.path, "--input", input, "--output", "jsonl"], environment: ["AGENT_TOKEN": wrongToken])
        #expect(refused.exitCode != 0)
        #expect((refused.stdout + refused.stderr).contains("Unauthorized: the bearer token is not valid"), "\(refused.stdout)\n\(refused.stderr)")
        #expect(leaks(refused.stdout, refused.stderr).isEmpty, "\(refused.stdout)\n\(refused.stderr)")

        // The pipeline served with its own token, verbose.
        let env = ["AGENT_TOKEN": agentToken, "SERVE_TOKEN": serveToken]
        let (server, url) = try await ServeCommandTests.serve(file, arguments: ["--auth-token-env", "SERVE_TOKEN", "--verbose"], environment: env)
        let called = try await CLI.run(["call", url, input, "--token-env", "SERVE_TOKEN"], environment: env)
        #expect(called.exitCode == 0, "\(called.stderr)")
        #expect(called.stdout == input)
        let unauthenticated = try await CLI.run(["call", url, input], environment: env)
        #expect(unauthenticated.exitCode == 1)
        #expect(unauthenticated.stderr.contains("Unauthorized: this agent needs a bearer token"), "\(unauthenticated.stderr)")
        let wrong = try await CLI.run(["call", url, input, "--header", "Authorization: Bearer \(wrongToken)"], environment: env)
        #expect(wrong.exitCode == 1)
        #expect(!wrong.stderr.contains(wrongToken), "\(wrong.stderr)")
        let card = try await CLI.run(["card", url, "--json"], environment: env)
        #expect(card.exitCode == 0, "the card is public")
        #expect(card.stdout.contains("httpAuthSecurityScheme"))
        await server.stop()
        await agent.stop()
        #expect(leaks(called.stdout, called.stderr, unauthenticated.stdout, unauthenticated.stderr, card.stdout, card.stderr).isEmpty)
        #expect(leaks(server.stdoutText(), server.stderrText(), agent.stdoutText(), agent.stderrText()).isEmpty)
        #expect(server.stderrText().contains("serving pipeline authed"))
        // Verbose logging logs every request with its headers, the credentials redacted.
        #expect((server.stdoutText() + server.stderrText()).contains("\"authorization\": \"***\""), "\(server.stderrText().suffix(1500))")
        #expect((agent.stdoutText() + agent.stderrText()).contains("\"authorization\": \"***\""))
    }

    @Test("--auth-token-env naming an unset or empty variable stops at startup, naming the variable")
    func missingTokenVariable() async throws {
        let unset = try await CLI.run(["agent", "echo", "--port", "0", "--auth-token-env", "A2A_PIPE_NO_SUCH_VAR"])
        #expect(unset.exitCode == 2)
        #expect(unset.stderr.contains("A2A_PIPE_NO_SUCH_VAR") && unset.stderr.contains("not set"), "\(unset.stderr)")
        let empty = try await CLI.run(["agent", "echo", "--port", "0", "--auth-token-env", "EMPTY_TOKEN"], environment: ["EMPTY_TOKEN": " , "])
        #expect(empty.exitCode == 2)
        #expect(empty.stderr.contains("EMPTY_TOKEN"), "\(empty.stderr)")
        let call = try await CLI.run(["call", "http://127.0.0.1:9", "hi", "--token-env", "A2A_PIPE_NO_SUCH_VAR"])
        #expect(call.exitCode != 0)
        #expect(call.stderr.contains("A2A_PIPE_NO_SUCH_VAR"))
    }
}
