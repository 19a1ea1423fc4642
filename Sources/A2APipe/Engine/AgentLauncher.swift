import A2AClient
import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts the processes of `launch:` agents and stops them.
///
/// ``ensureRunning(url:command:timeout:)`` starts an agent's command unless its URL already
/// answers, then waits (bounded by `launch_timeout`) until its card answers. ``shutdown()``
/// stops every process it started: SIGTERM, then SIGKILL after a grace period. A run without a
/// configured launcher makes its own and shuts it down when it ends; a shared launcher (e.g.
/// `a2a-pipe serve`) keeps agents running across runs.
public actor AgentLauncher {
    private var processes: [String: LaunchedProcess] = [:]
    /// How long a process gets to exit after SIGTERM before SIGKILL.
    public let stopGrace: Duration

    /// Creates a launcher with nothing started.
    public init(stopGrace: Duration = .seconds(2)) {
        self.stopGrace = stopGrace
    }

    /// The process ids of the running launched agents, by URL.
    public var processIdentifiers: [String: Int32] {
        processes.filter { $0.value.exitStatus == nil }.mapValues(\.pid)
    }

    /// Makes sure the agent at `url` answers, starting `command` if it does not.
    /// - Throws: ``AgentLaunchError`` when the command cannot start, exits, or its card does not
    ///   answer within `timeout`.
    public func ensureRunning(url: String, command: [String], timeout: Duration) async throws {
        if let running = processes[url], running.exitStatus == nil {
            try await waitUntilReady(url: url, process: running, command: command, timeout: timeout)
            return
        }
        if await Self.answers(url) { return }
        if let running = processes[url], running.exitStatus == nil {  // started by a concurrent call meanwhile
            try await waitUntilReady(url: url, process: running, command: command, timeout: timeout)
            return
        }
        let process: LaunchedProcess
        do {
            process = try LaunchedProcess(command: command)
        } catch {
            throw AgentLaunchError(command: command, url: url, reason: "cannot start it: \(error)", stderrTail: "")
        }
        processes[url] = process
        do {
            try await waitUntilReady(url: url, process: process, command: command, timeout: timeout)
        } catch {
            await process.stop(grace: stopGrace)
            processes[url] = nil
            throw error
        }
    }

    /// Why the agent at `url` may not answer: its launched process exited (with its stderr tail).
    public func diagnosis(url: String) -> String? {
        guard let process = processes[url], let status = process.exitStatus else { return nil }
        let tail = process.stderrTail
        return "the launched agent exited with status \(status)" + (tail.isEmpty ? "" : "; its stderr ends with:\n\(tail)")
    }

    /// Stops every launched process (SIGTERM, then SIGKILL after ``stopGrace``) and waits until
    /// they are gone. Safe to call more than once; works in a cancelled task too.
    public func shutdown() async {
        let all = Array(processes.values)
        processes.removeAll()
        for process in all { await process.stop(grace: stopGrace) }
    }

    private func waitUntilReady(url: String, process: LaunchedProcess, command: [String], timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let status = process.exitStatus {
                throw AgentLaunchError(command: command, url: url, reason: "it exited with status \(status) before its card answered", stderrTail: process.stderrTail)
            }
            if await Self.answers(url) { return }
            try Task.checkCancellation()
            if ContinuousClock.now >= deadline {
                throw AgentLaunchError(command: command, url: url, reason: "its card did not answer within \(DurationText.format(timeout)) (launch_timeout)", stderrTail: process.stderrTail)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Whether the agent's card answers (each probe bounded at 2 s).
    static func answers(_ url: String) async -> Bool {
        let client = A2AClient(url: url, configuration: A2AClientConfiguration(idleTimeout: .seconds(2)))
        return (try? await withTimeLimit(.seconds(2)) { _ = try await client.card() }) != nil
    }
}

/// A `launch:` command that did not come up.
public struct AgentLaunchError: Error, Sendable, CustomStringConvertible {
    public var command: [String]
    public var url: String
    public var reason: String
    /// The end of what the process wrote to stderr.
    public var stderrTail: String

    public var description: String {
        "could not launch the agent for \(url) (\(command.joined(separator: " "))): \(reason)"
            + (stderrTail.isEmpty ? "" : "; its stderr ends with:\n\(stderrTail)")
    }
}

/// A child process of a `launch:` agent: spawned with a clean signal mask, its stderr's tail
/// kept in memory, its exit observable without polling.
final class LaunchedProcess: @unchecked Sendable {
    // `Process` is not Sendable: it is only touched to start it (on one thread, before anything
    // else sees it), to read its pid, and from its termination handler.
    private let process = Process()
    let pid: Int32
    private let shared = Shared()

    /// What the termination handler and the stderr reader update.
    final class Shared: Sendable {
        let exit = Mutex(ExitState())
        let tail = Mutex(TailBuffer(limit: 4096))
    }

    struct ExitState {
        var status: Int32?
        var waiters: [@Sendable () -> Void] = []
    }

    struct TailBuffer {
        let limit: Int
        var bytes: [UInt8] = []
        mutating func append(_ data: Data) {
            bytes.append(contentsOf: data)
            if bytes.count > limit { bytes.removeFirst(bytes.count - limit) }
        }
    }

    init(command: [String]) throws {
        guard let program = command.first else { throw AgentLaunchError(command: command, url: "", reason: "empty command", stderrTail: "") }
        let executable = program.contains("/") ? URL(fileURLWithPath: program) : try Self.find(program)
        process.executableURL = executable
        process.arguments = Array(command.dropFirst())
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardError = pipe
        let shared = self.shared
        process.terminationHandler = { finished in
            let status = finished.terminationStatus
            let waiters = shared.exit.withLock { s in
                s.status = status
                defer { s.waiters.removeAll() }
                return s.waiters
            }
            for waiter in waiters { waiter() }
        }
        try Self.spawnWithCleanSignalMask(process)
        pid = process.processIdentifier
        Self.readLoop(pipe.fileHandleForReading) { data in shared.tail.withLock { $0.append(data) } }
    }

    var exitStatus: Int32? { shared.exit.withLock { $0.status } }

    var stderrTail: String {
        let text = String(decoding: shared.tail.withLock { $0.bytes }, as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(20).joined(separator: "\n")
    }

    /// SIGTERM, up to `grace` for the exit, then SIGKILL and up to 5 s more. The waits use
    /// timers of their own, so they work in a cancelled task (a run being cancelled).
    func stop(grace: Duration) async {
        guard exitStatus == nil else { return }
        kill(pid, SIGTERM)
        if await waitForExit(grace) { return }
        kill(pid, SIGKILL)
        _ = await waitForExit(.seconds(5))
    }

    /// Whether the process exits within `limit`; the timer is a dispatch timer, not a task
    /// sleep, so it runs its course in a cancelled task too.
    private func waitForExit(_ limit: Duration) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let flag = OnceFlag()
            let once: @Sendable () -> Void = {
                if flag.claim() { continuation.resume() }
            }
            let exited = shared.exit.withLock { s -> Bool in
                if s.status != nil { return true }
                s.waiters.append(once)
                return false
            }
            if exited {
                once()
                return
            }
            let (seconds, atto) = limit.components
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(seconds * 1_000_000_000 + atto / 1_000_000_000)), execute: once)
        }
        return exitStatus != nil
    }

    private static func find(_ program: String) throws -> URL {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent(program)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw AgentLaunchError(command: [program], url: "", reason: "'\(program)' is not on PATH", stderrTail: "")
    }

    /// Runs `process.run()` on a fresh thread whose signal mask is empty: `posix_spawn` copies
    /// the spawning thread's mask, and Swift concurrency's threads block SIGTERM, so a child
    /// spawned from them would ignore SIGTERM (Tests/PeerSupport/README.md, quirk 1).
    private static func spawnWithCleanSignalMask(_ process: Process) throws {
        final class Box: @unchecked Sendable {
            let process: Process
            var error: (any Error)?
            init(_ process: Process) { self.process = process }
        }
        let box = Box(process)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            var empty = sigset_t()
            sigemptyset(&empty)
            pthread_sigmask(SIG_SETMASK, &empty, nil)
            do { try box.process.run() } catch { box.error = error }
            done.signal()
        }
        thread.name = "a2a-pipe launch"
        thread.start()
        done.wait()
        if let error = box.error { throw error }
    }

    private static func readLoop(_ handle: FileHandle, _ onData: @escaping @Sendable (Data) -> Void) {
        let thread = Thread {
            let fd = handle.fileDescriptor
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    onData(Data(buffer[0..<n]))
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            try? handle.close()
        }
        thread.name = "a2a-pipe launch stderr"
        thread.start()
    }
}

/// True for the first caller of ``claim()`` only.
final class OnceFlag: Sendable {
    private let claimed = Mutex(false)

    func claim() -> Bool {
        claimed.withLock { c in
            defer { c = true }
            return !c
        }
    }
}
