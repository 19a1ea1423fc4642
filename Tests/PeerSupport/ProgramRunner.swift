import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to completion, bounded, and returns its exit status and output.
///
/// For end-to-end tests of the `a2a-pipe` executable. Spawned with a clean signal mask (see
/// ``ChildProcess``), so SIGINT/SIGTERM reach it as they would from a shell.
public func runProgram(
    _ executable: URL,
    arguments: [String],
    timeout: Duration = .seconds(60),
    environment: [String: String] = [:],
    currentDirectory: URL? = nil
) async throws -> (exitCode: Int32, stdout: String, stderr: String) {
    let program = try RunningProgram(executable, arguments: arguments, environment: environment, currentDirectory: currentDirectory)
    guard let status = await program.wait(timeout: timeout) else {
        await program.stop()
        throw PeerSupportError.timedOut(
            what: "\(executable.lastPathComponent) \(arguments.joined(separator: " "))", seconds: timeout.seconds,
            outputTail: "stdout:\n" + tail(program.stdoutText()) + "\nstderr:\n" + tail(program.stderrText()))
    }
    return (status, program.stdoutText(), program.stderrText())
}

/// A program started in the background, whose output is captured to files.
public final class RunningProgram: Sendable {
    let child: ChildProcess
    let outFile: URL
    let errFile: URL

    /// Starts the program. Its environment is this process's, plus `environment`.
    public init(_ executable: URL, arguments: [String], environment: [String: String] = [:], currentDirectory: URL? = nil) throws {
        outFile = temporaryFile("program-\(executable.lastPathComponent)", ".stdout.log")
        errFile = temporaryFile("program-\(executable.lastPathComponent)", ".stderr.log")
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        child = try ChildProcess(executable: executable, arguments: arguments, environment: env, currentDirectory: currentDirectory,
                                 stdout: .file(outFile), stderr: .file(errFile))
    }

    deinit {
        child.send(SIGKILL)
        try? FileManager.default.removeItem(at: outFile)
        try? FileManager.default.removeItem(at: errFile)
    }

    /// The process id.
    public var processIdentifier: Int32 { child.processIdentifier }

    /// Everything written to stdout so far.
    public func stdoutText() -> String { readText(outFile) }

    /// Everything written to stderr so far.
    public func stderrText() -> String { readText(errFile) }

    /// Sends a signal (e.g. SIGINT).
    public func send(_ signal: Int32) { child.send(signal) }

    /// Waits for the exit status; `nil` if `timeout` passes first.
    public func wait(timeout: Duration) async -> Int32? { await child.exit.wait(timeout: timeout) }

    /// SIGTERM, then SIGKILL after a grace period.
    public func stop() async { _ = await child.stop() }
}

/// A TCP port on 127.0.0.1 that was free a moment ago, for agents that must be started on a
/// known port (`launch:`).
///
/// Chosen below the kernel's ephemeral range (`ip_local_port_range`), never the same twice in
/// this process: a port the kernel hands out for `bind(0)` comes from that range, and so do the
/// local ports of the suite's many outgoing connections, one of which could take it between
/// this check and the agent's own bind ("Address already in use", seen once in the suite).
public func freePort() throws -> Int {
    let low = ephemeralPortRangeStart()
    if low > 12_000 {
        for _ in 0..<500 {
            let candidate = Int.random(in: 10_000..<low)
            let fresh = handedOutPorts.withLock { $0.insert(candidate).inserted }
            if fresh, try canBind(port: candidate) { return candidate }
        }
    }
    return try boundPort(0)
}

private let handedOutPorts = Mutex<Set<Int>>([])

/// The first port of the kernel's ephemeral range (32768 if it cannot be read).
func ephemeralPortRangeStart() -> Int {
    let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
    return text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.flatMap { Int($0) } ?? 32_768
}

/// Whether `port` on 127.0.0.1 can be bound right now.
func canBind(port: Int) throws -> Bool {
    do {
        _ = try boundPort(port)
        return true
    } catch PeerSupportError.systemCallFailed(call: "bind", errno: _) {
        return false
    }
}

/// Binds `port` (0: any) on 127.0.0.1, releases it, and returns the port that was bound.
func boundPort(_ port: Int) throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw PeerSupportError.systemCallFailed(call: "socket", errno: errno) }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw PeerSupportError.systemCallFailed(call: "bind", errno: errno) }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    var actual = sockaddr_in()
    _ = withUnsafeMutablePointer(to: &actual) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: actual.sin_port))
}
