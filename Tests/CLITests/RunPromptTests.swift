import A2A
import A2AClient
import Foundation
import PeerSupport
import Testing

/// `a2a-pipe run` when a remote stage asks a question (`input-required`): in a terminal the
/// question is asked and the typed line goes back to the same remote task; without one the
/// stage fails quoting the question. The terminal is a real pseudo-terminal made by
/// util-linux `script`, whose input is the answer typed ahead.
@Suite("a2a-pipe run: questions", .timeLimit(.minutes(2)))
struct RunPromptTests {
    static func pipeline(_ peer: Peer) throws -> String {
        try RunPipelines.write("""
            name: ask
            agents:
              peer: { url: "\(peer.url)" }
            stages:
              - id: remote
                agent: peer
            """)
    }

    @Test("in a terminal the question is asked and the answer reaches the same remote task")
    func answeredAtThePrompt() async throws {
        try await withPeer(.sdk13) { peer in
            let file = try Self.pipeline(peer)
            let dir = URL(fileURLWithPath: file).deletingLastPathComponent()
            let answer = dir.appendingPathComponent("answer.txt")
            try "robots\n".write(to: answer, atomically: true, encoding: .utf8)
            let driver = dir.appendingPathComponent("in-a-terminal.sh")
            try """
                #!/bin/sh
                exec script -qfec "'\(CLI.executable.path)' run '\(file)' --input ask --output plain" /dev/null < '\(answer.path)'
                """.write(to: driver, atomically: true, encoding: .utf8)
            let r = try await runProgram(
                URL(fileURLWithPath: "/bin/sh"), arguments: [driver.path], timeout: .seconds(60),
                environment: ["TERM": "xterm", "NO_COLOR": "1"])
            // The terminal shows stdout and stderr together, with CR LF line ends.
            let screen = r.stdout.replacingOccurrences(of: "\r\n", with: "\n")
            #expect(r.exitCode == 0, "\(screen)")
            let shown = try #require(screen.range(of: "[remote] input required: Which topic?\n"), "\(screen)")
            let asked = try #require(screen.range(of: "? [remote] Which topic?\n> "), "\(screen)")
            #expect(shown.upperBound <= asked.lowerBound, "the question is asked after the view showed it")
            #expect(screen.hasSuffix("You said: robots \n"), "\(screen)")

            // The peer got the answer on the task that asked: it has one task, completed.
            let tasks = try await A2AClient(url: peer.url).listTasks().tasks
            #expect(tasks.count == 1)
            #expect(tasks.first?.status.state == .completed)
            #expect(tasks.first?.history.contains { $0.role == .user && $0.text == "robots" } == true)
        }
    }

    @Test("without a terminal the stage fails quoting the question")
    func failsWithoutATerminal() async throws {
        try await withPeer(.sdk13) { peer in
            let r = try await CLI.run(["run", try Self.pipeline(peer), "--input", "ask", "--output", "plain"])
            #expect(r.exitCode == 1)
            #expect(r.stderr.contains("Which topic?"), "\(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
    }
}

/// `serve --input-timeout`: a served pipeline whose stage asks a question nobody answers fails
/// after the bound, saying so.
@Suite("a2a-pipe serve: unanswered questions", .timeLimit(.minutes(2)))
struct ServeInputTimeoutTests {
    @Test func anUnansweredQuestionFailsTheTaskAfterTheInputTimeout() async throws {
        try await withPeer(.sdk13) { peer in
            let file = URL(fileURLWithPath: try RunPromptTests.pipeline(peer))
            let (server, url) = try await ServeCommandTests.serve(file, arguments: ["--input-timeout", "1s"])
            let client = A2AClient(url: url)
            guard case .task(let asked) = try await client.send(.user("ask")) else {
                Issue.record("expected a task")
                return
            }
            #expect(asked.status.state == .inputRequired)
            #expect(asked.status.message?.text == "remote: Which topic?")
            var final = asked
            for _ in 0..<400 where !final.status.state.isTerminal {
                try await Task.sleep(for: .milliseconds(50))
                final = try await client.getTask(id: asked.id)
            }
            #expect(final.status.state == .failed)
            #expect(final.status.message?.text.contains("no answer to the input-required question arrived within 1 s") == true,
                    "\(final.status.message?.text ?? "")")
            await server.stop()
        }
    }
}
