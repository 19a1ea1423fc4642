import Foundation
import PeerSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// examples/pipelines/launched.yaml, run as its header says (from the repository root): the run
/// launches a python-a2a 0.5.10 critic and an a2a-sdk 1.3.0 writer, uses them, and stops them.
@Suite("examples/pipelines/launched.yaml", .timeLimit(.minutes(4)))
struct ExamplePipelineTests {
    /// Whether something accepts connections on 127.0.0.1:port.
    static func listening(_ port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    @Test("the run launches both Python agents, uses them, and stops them")
    func launchedExample() async throws {
        // examples/agents/run.sh finds the interpreters in the test suite's virtualenvs.
        _ = try await PythonEnvironment.shared.python(for: .sdk13)
        _ = try await PythonEnvironment.shared.python(for: .pythonA2A)
        try #require(!Self.listening(9102) && !Self.listening(9103), "ports 9102/9103 must be free for this example")
        let root = try PythonEnvironment.packageRoot()
        let r = try await runProgram(
            CLI.executable,
            arguments: ["run", "examples/pipelines/launched.yaml", "--input", "cancel a running task", "--output", "plain"],
            timeout: .seconds(180), currentDirectory: root)
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("# Report\n"))
        #expect(r.stdout.contains("Critique of 4 notes"), "the python-a2a critic's text reached the a2a-sdk writer")
        #expect(r.stdout.split(separator: "\n").filter { $0.hasPrefix("- ") && $0.contains("(") }.count >= 4, "one line per summarized hit")
        #expect(r.stderr.contains("[critique] completed") && r.stderr.contains("[write] completed"))
        #expect(!Self.listening(9102) && !Self.listening(9103), "the launched agents are stopped after the run")
    }
}
