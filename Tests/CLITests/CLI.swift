import Foundation
import PeerSupport

/// Runs the `a2a-pipe` executable built beside this test bundle.
enum CLI {
    /// The built executable: next to the test bundle (`swift test` builds it, since this
    /// target depends on it), or `A2A_PIPE_BIN` when set.
    static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["A2A_PIPE_BIN"] { return URL(fileURLWithPath: path) }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // On Linux the test bundle is an executable in the products directory; with an .xctest
        // bundle directory (macOS) climb out of it.
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("a2a-pipe")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "a2a-pipe")
    }

    struct Result {
        var exitCode: Int32
        var stdout: String
        var stderr: String
        /// stderr's non-empty lines.
        var errorLines: [String] { stderr.split(whereSeparator: \.isNewline).map(String.init) }
    }

    static func run(_ arguments: String..., timeout: Duration = .seconds(60)) async throws -> Result {
        try await run(arguments, timeout: timeout)
    }

    static func run(_ arguments: [String], timeout: Duration = .seconds(60), environment: [String: String] = [:]) async throws -> Result {
        let r = try await runProgram(executable, arguments: arguments, timeout: timeout, environment: environment)
        return Result(exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr)
    }
}
