import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Latch

/// A one-shot value that async code can wait for with a deadline. The first `resolve` wins.
final class Latch<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var waiters: [Int: CheckedContinuation<Value?, Never>] = [:]
        var timers: [Int: Task<Void, Never>] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())

    /// The value, if resolved.
    var current: Value? { state.withLock { $0.value } }

    /// Sets the value (if not yet set) and wakes every waiter.
    func resolve(_ value: Value) {
        let (waiters, timers) = state.withLock { s -> ([CheckedContinuation<Value?, Never>], [Task<Void, Never>]) in
            guard s.value == nil else { return ([], []) }
            s.value = value
            let all = (Array(s.waiters.values), Array(s.timers.values))
            s.waiters.removeAll()
            s.timers.removeAll()
            return all
        }
        for timer in timers { timer.cancel() }
        for waiter in waiters { waiter.resume(returning: value) }
    }

    /// Waits for the value; `nil` when `timeout` passes first.
    func wait(timeout: Duration) async -> Value? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
            let registered: (id: Int?, value: Value?) = state.withLock { s in
                if let value = s.value { return (nil, value) }
                let id = s.nextID
                s.nextID += 1
                s.waiters[id] = continuation
                return (id, nil)
            }
            guard let id = registered.id else {
                continuation.resume(returning: registered.value)
                return
            }
            let timer = Task { [self] in
                try? await Task.sleep(for: timeout)
                let waiter = state.withLock { s in
                    s.timers.removeValue(forKey: id)
                    return s.waiters.removeValue(forKey: id)
                }
                waiter?.resume(returning: nil)
            }
            state.withLock { s in
                if s.waiters[id] != nil { s.timers[id] = timer } else { timer.cancel() }
            }
        }
    }
}

extension Duration {
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}

// MARK: - Child processes

/// Carries a non-Sendable value to another thread whose use is serialised by the caller.
private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Where a child's output goes.
enum OutputTarget: Sendable {
    /// Appended to a file (created or truncated first).
    case file(URL)
    /// Read through a pipe by a dedicated thread; `onData` gets each chunk in order.
    case pipe(onData: @Sendable (Data) -> Void)
    /// Discarded.
    case null
}

/// A child process started with Foundation's `Process`, whose exit can be awaited with a
/// deadline and which can be stopped with SIGTERM, then SIGKILL.
///
/// `Process` is not `Sendable`; it is only touched here to start it, read its pid and from its
/// termination handler, so the wrapper is safe to share.
final class ChildProcess: @unchecked Sendable {
    private let process = Process()
    /// The termination status (the signal number when killed by a signal).
    let exit = Latch<Int32>()
    let executable: URL
    let arguments: [String]

    init(
        executable: URL,
        arguments: [String],
        environment: [String: String],
        currentDirectory: URL? = nil,
        stdout: OutputTarget,
        stderr: OutputTarget,
        onExit: (@Sendable (Int32) -> Void)? = nil
    ) throws {
        self.executable = executable
        self.arguments = arguments
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        process.standardInput = FileHandle.nullDevice

        // Both outputs to one file share one handle, so that writes interleave instead of
        // overwriting each other.
        var sharedFile: (URL, FileHandle)?
        func attach(_ target: OutputTarget) throws -> Any {
            switch target {
            case .null:
                return FileHandle.nullDevice
            case .file(let url):
                if let (sharedURL, handle) = sharedFile, sharedURL == url { return handle }
                guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                    throw PeerSupportError.systemCallFailed(call: "create \(url.path)", errno: errno)
                }
                let handle = try FileHandle(forWritingTo: url)
                sharedFile = (url, handle)
                return handle
            case .pipe(let onData):
                let pipe = Pipe()
                Self.startReader(pipe.fileHandleForReading, onData: onData)
                return pipe
            }
        }
        process.standardOutput = try attach(stdout)
        process.standardError = try attach(stderr)
        let exit = self.exit
        process.terminationHandler = { finished in
            let status = finished.terminationStatus
            exit.resolve(status)
            onExit?(status)
        }
        try Self.spawnWithCleanSignalMask(process)
        try? sharedFile?.1.close()  // the child has its own copy
    }

    /// Runs `process.run()` on a fresh thread whose signal mask is empty.
    ///
    /// `posix_spawn` children inherit the spawning thread's signal mask, and Swift concurrency's
    /// worker threads block most signals (SIGTERM included): a child spawned from them ignores
    /// SIGTERM until it unblocks it itself, so `stop()` would always end in SIGKILL.
    private static func spawnWithCleanSignalMask(_ process: Process) throws {
        let done = DispatchSemaphore(value: 0)
        let failure = Mutex<(any Error)?>(nil)
        let box = UncheckedBox(process)
        let thread = Thread {
            var empty = sigset_t()
            sigemptyset(&empty)
            pthread_sigmask(SIG_SETMASK, &empty, nil)
            do { try box.value.run() } catch { failure.withLock { $0 = error } }
            done.signal()
        }
        thread.name = "PeerSupport spawn"
        thread.start()
        done.wait()
        if let error = failure.withLock({ $0 }) { throw error }
    }

    /// The child's pid.
    var processIdentifier: Int32 { process.processIdentifier }

    /// Sends `signal` unless the child has already exited.
    func send(_ signal: Int32) {
        guard exit.current == nil else { return }
        _ = kill(process.processIdentifier, signal)
    }

    /// SIGTERM, up to `grace` for the exit, then SIGKILL. Returns the exit status.
    @discardableResult
    func stop(grace: Duration = .seconds(3)) async -> Int32? {
        if let status = exit.current { return status }
        send(SIGTERM)
        if let status = await exit.wait(timeout: grace) { return status }
        send(SIGKILL)
        return await exit.wait(timeout: .seconds(10))
    }

    private static func startReader(_ handle: FileHandle, onData: @escaping @Sendable (Data) -> Void) {
        let thread = Thread {
            let fd = handle.fileDescriptor
            var buffer = [UInt8](repeating: 0, count: 16 * 1024)
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
        thread.name = "PeerSupport output reader"
        thread.start()
    }
}

/// Runs a command to completion with output in `logFile` (stdout and stderr together).
/// Throws `timedOut` (after stopping the child) when it runs longer than `timeout`.
func runLogged(
    _ executable: URL,
    _ arguments: [String],
    environment: [String: String],
    logFile: URL,
    timeout: Duration,
    what: String
) async throws -> Int32 {
    let child = try ChildProcess(
        executable: executable, arguments: arguments, environment: environment,
        stdout: .file(logFile), stderr: .file(logFile))
    if let status = await child.exit.wait(timeout: timeout) { return status }
    await child.stop()
    throw PeerSupportError.timedOut(
        what: what, seconds: timeout.seconds, outputTail: tail(readText(logFile)))
}

/// The file's text (lossy UTF-8), or "" if it cannot be read.
func readText(_ url: URL) -> String {
    guard let data = try? Data(contentsOf: url) else { return "" }
    return String(decoding: data, as: UTF8.self)
}

/// A fresh path in the temporary directory (nothing is created).
func temporaryFile(_ prefix: String, _ suffix: String) -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("a2a-pipe-peers")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent("\(prefix)-\(UUID().uuidString)\(suffix)")
}
