import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a `fault_server.py` peer misbehaves (see `Peers/fault_server.py` and the README).
public enum FaultMode: String, Sendable, CaseIterable, CustomStringConvertible {
    /// 1.0 card; streams a task event and one "partial " chunk, then drops the connection
    /// (truncated chunked body). GetTask answers TASK_STATE_WORKING.
    case drop
    /// Not A2A: 200 text/html everywhere, 404 text/html under `/.well-known/`.
    case html
    /// 1.0 card; a stream with a non-JSON event between valid ones, ending properly (completed).
    case malformed
    /// 1.0 card; a task event, `: keep-alive` comments every 0.2 s for
    /// `STALL_KEEPALIVE_SECONDS` (default 2), then 60 s of silence.
    case stall
    /// 1.0 card; every POST answers HTTP 500 `{"detail":"boom"}`.
    case error500
    /// 1.0 card; odd-numbered POSTs close the connection without a reply, even ones answer
    /// (GetTask: working; CancelTask: canceled).
    case closefirst

    public var description: String { rawValue }
}

/// The kinds of peer that ``Peer/start(_:environment:)`` can launch.
public enum PeerKind: Sendable, Hashable, CustomStringConvertible {
    /// a2a-sdk 1.3.0 server, A2A 1.0 only (`sdk13_agent.py`).
    case sdk13
    /// a2a-sdk 1.3.0 server with the 0.3 compat layer on the same URL and a hybrid card
    /// (`sdk13_agent.py --compat`).
    case sdk13Compat
    /// a2a-sdk 0.3.26 server, pure 0.3 (`sdk03_agent.py`).
    case sdk03
    /// python-a2a 0.5.10 server (`pa2a_agent.py`).
    case pythonA2A
    /// Standard-library misbehaving server (`fault_server.py MODE`), run with plain `python3`.
    case fault(FaultMode)

    /// The virtualenv the peer runs in; `nil` means `python3` from `PATH`.
    public var venv: VirtualEnv? {
        switch self {
        case .sdk13, .sdk13Compat: return .sdk13
        case .sdk03: return .sdk03
        case .pythonA2A: return .pythonA2A
        case .fault: return nil
        }
    }

    /// The script in the `Peers` folder.
    public var script: String {
        switch self {
        case .sdk13, .sdk13Compat: return "sdk13_agent.py"
        case .sdk03: return "sdk03_agent.py"
        case .pythonA2A: return "pa2a_agent.py"
        case .fault: return "fault_server.py"
        }
    }

    /// The script's arguments.
    public var arguments: [String] {
        switch self {
        case .sdk13Compat: return ["--compat"]
        case .fault(let mode): return [mode.rawValue]
        default: return []
        }
    }

    public var description: String {
        switch self {
        case .sdk13: return "sdk13"
        case .sdk13Compat: return "sdk13-compat"
        case .sdk03: return "sdk03"
        case .pythonA2A: return "pa2a"
        case .fault(let mode): return "fault-\(mode.rawValue)"
        }
    }
}

/// Locates the Python scripts shipped in `Tests/PeerSupport/Peers`.
public enum PeerScripts {
    /// The `Peers` folder: the source folder next to this file when present (so edits apply
    /// without a rebuild), else the copy in the target's resource bundle.
    public static var directory: URL {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Peers", isDirectory: true)
        if FileManager.default.fileExists(atPath: source.appendingPathComponent("peer_common.py").path) {
            return source
        }
        return Bundle.module.resourceURL!.appendingPathComponent("Peers", isDirectory: true)
    }

    /// The URL of the named script (e.g. `"sdk13_client.py"`), checked to exist.
    public static func url(for name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { throw PeerSupportError.scriptNotFound(url.path) }
        return url
    }

    /// The environment every peer and client process gets: the current environment, plus
    /// `PYTHONUNBUFFERED=1`, `PYTHONDONTWRITEBYTECODE=1` (nothing is written into the source
    /// tree), `PEER_EXIT_WITH_PARENT=1` (peers exit if the test process dies), then `extra`.
    static func environment(_ extra: [String: String]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["PYTHONUNBUFFERED"] = "1"
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PEER_EXIT_WITH_PARENT"] = "1"
        for (key, value) in extra { env[key] = value }
        return env
    }
}

/// A running Python peer listening on 127.0.0.1.
///
/// Start one with ``start(_:environment:)`` (or ``withPeer(_:environment:isolation:_:)``, which
/// always stops it). Readiness is the peer's own `PORT <n>` line: the script binds and listens
/// before printing it, so the port accepts connections as soon as `start` returns.
public final class Peer: Sendable, CustomStringConvertible {
    /// What was started.
    public let kind: PeerKind
    /// The TCP port on 127.0.0.1.
    public let port: Int
    /// `http://127.0.0.1:<port>` (no trailing slash).
    public let url: String
    /// The process id of the Python interpreter.
    public let processIdentifier: Int32

    private let child: ChildProcess
    private let stderrFile: URL
    private let stopping = Mutex<Task<Void, Never>?>(nil)

    private init(kind: PeerKind, port: Int, child: ChildProcess, stderrFile: URL) {
        self.kind = kind
        self.port = port
        self.url = "http://127.0.0.1:\(port)"
        self.child = child
        self.processIdentifier = child.processIdentifier
        self.stderrFile = stderrFile
    }

    deinit {
        child.send(SIGKILL)  // no orphans, even if a test forgot stop()
        try? FileManager.default.removeItem(at: stderrFile)
    }

    /// `url` as a `URL`.
    public var baseURL: URL { URL(string: url)! }

    public var description: String { "Peer(\(kind), \(url), pid \(processIdentifier))" }

    /// Starts a peer and waits (at most 60 s) for its `PORT <n>` line.
    ///
    /// - Parameters:
    ///   - kind: which peer.
    ///   - environment: extra environment variables for the peer, e.g. `PEER_CANCEL_LOG`
    ///     (file that cancelled task ids are appended to) or `STALL_KEEPALIVE_SECONDS`.
    /// - Throws: ``PeerSupportError`` when the virtualenv cannot be set up, the peer exits
    ///   before printing its port, or the port does not appear within 60 s.
    public static func start(_ kind: PeerKind, environment: [String: String] = [:]) async throws -> Peer {
        let python: URL
        if let venv = kind.venv {
            python = try await PythonEnvironment.shared.python(for: venv)
        } else {
            python = try PythonEnvironment.systemPython()
        }
        let script = try PeerScripts.url(for: kind.script)
        let stderrFile = temporaryFile("peer-\(kind)", ".stderr.log")

        let ready = Latch<ReadyEvent>()
        let stdoutText = Mutex("")
        let child = try ChildProcess(
            executable: python,
            arguments: ["-u", script.path] + kind.arguments,
            environment: PeerScripts.environment(environment),
            currentDirectory: script.deletingLastPathComponent(),
            stdout: .pipe(onData: { data in
                let port: Int? = stdoutText.withLock { text in
                    text += String(decoding: data, as: UTF8.self)
                    return Self.parsePort(text)
                }
                if let port { ready.resolve(.port(port)) }
            }),
            stderr: .file(stderrFile),
            onExit: { status in ready.resolve(.exited(status)) })

        let timeout = Duration.seconds(60)
        switch await ready.wait(timeout: timeout) {
        case .port(let port)?:
            return Peer(kind: kind, port: port, child: child, stderrFile: stderrFile)
        case .exited(let status)?:
            await child.stop()
            defer { try? FileManager.default.removeItem(at: stderrFile) }
            throw PeerSupportError.peerExitedBeforeReady(
                kind: kind.description, exitCode: status, stdout: stdoutText.withLock { $0 },
                stderrTail: tail(readText(stderrFile)))
        case nil:
            await child.stop()
            defer { try? FileManager.default.removeItem(at: stderrFile) }
            throw PeerSupportError.timedOut(
                what: "peer \(kind) printing its PORT line", seconds: timeout.seconds,
                outputTail: "stdout: \(stdoutText.withLock { $0 }.debugDescription)\nstderr:\n"
                    + tail(readText(stderrFile)))
        }
    }

    /// The first complete line of the form `PORT <n>`, if any.
    static func parsePort(_ text: String) -> Int? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()  // the unfinished line (or "" after the last newline)
        for line in lines {
            let fields = line.trimmingCharacters(in: .whitespaces).split(separator: " ")
            if fields.count == 2, fields[0] == "PORT", let port = Int(fields[1]), port > 0 { return port }
        }
        return nil
    }

    /// Everything the peer wrote to stderr so far (its logs), for diagnostics.
    public func stderrText() -> String { readText(stderrFile) }

    /// Whether the peer process is still running.
    public var isRunning: Bool { child.exit.current == nil }

    /// Stops the peer: SIGTERM, up to 3 s for it to exit, then SIGKILL. Idempotent and safe
    /// to call concurrently; every caller returns once the process is gone.
    public func stop() async {
        let task: Task<Void, Never> = stopping.withLock { current in
            if let current { return current }
            let child = self.child
            let task = Task<Void, Never> { await child.stop(grace: .seconds(3)) }
            current = task
            return task
        }
        await task.value
    }
}

private enum ReadyEvent: Sendable {
    case port(Int)
    case exited(Int32)
}

/// Starts a peer, runs `body` with it, and always stops the peer afterwards, also when `body`
/// throws.
public func withPeer<T>(
    _ kind: PeerKind,
    environment: [String: String] = [:],
    isolation: isolated (any Actor)? = #isolation,
    _ body: (Peer) async throws -> T
) async throws -> T {
    let peer = try await Peer.start(kind, environment: environment)
    do {
        let result = try await body(peer)
        await peer.stop()
        return result
    } catch {
        await peer.stop()
        throw error
    }
}

/// Runs one of the Python client scripts (`sdk13_client.py`, `sdk03_client.py`,
/// `pa2a_client.py`, …) to completion and returns its exit code and output.
///
/// - Parameters:
///   - script: the file name in the `Peers` folder.
///   - venv: the virtualenv whose python runs it (created if needed); `nil` for `python3`.
///   - arguments: the script's arguments.
///   - timeout: the bound; when exceeded the client is stopped and `timedOut` is thrown.
///   - environment: extra environment variables.
public func runPythonClient(
    script: String,
    venv: VirtualEnv?,
    arguments: [String],
    timeout: Duration = .seconds(120),
    environment: [String: String] = [:]
) async throws -> (exitCode: Int32, stdout: String, stderr: String) {
    let python: URL
    if let venv {
        python = try await PythonEnvironment.shared.python(for: venv)
    } else {
        python = try PythonEnvironment.systemPython()
    }
    let scriptURL = try PeerScripts.url(for: script)
    let outFile = temporaryFile("client-\(script)", ".stdout.log")
    let errFile = temporaryFile("client-\(script)", ".stderr.log")
    defer {
        try? FileManager.default.removeItem(at: outFile)
        try? FileManager.default.removeItem(at: errFile)
    }
    let child = try ChildProcess(
        executable: python,
        arguments: ["-u", scriptURL.path] + arguments,
        environment: PeerScripts.environment(environment),
        currentDirectory: scriptURL.deletingLastPathComponent(),
        stdout: .file(outFile),
        stderr: .file(errFile))
    guard let status = await child.exit.wait(timeout: timeout) else {
        await child.stop()
        throw PeerSupportError.timedOut(
            what: "\(script) \(arguments.joined(separator: " "))", seconds: timeout.seconds,
            outputTail: "stdout:\n" + tail(readText(outFile)) + "\nstderr:\n" + tail(readText(errFile)))
    }
    return (status, readText(outFile), readText(errFile))
}
