#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// A child process started with `posix_spawn`, in its **own process group**, with an **empty
/// signal mask** and default signal dispositions, its stdin fed from a string and its stdout
/// and stderr read by dedicated threads (never a Swift concurrency thread).
///
/// Why not Foundation `Process`: a child inherits the spawning thread's signal mask, and Swift
/// concurrency's worker threads block SIGTERM and SIGINT, so a child spawned from one would
/// ignore SIGTERM; and `Process` does not put the child in a process group of its own, which is
/// what lets a timeout kill the command *and everything it started*.
final class ChildProcess: Sendable {
    /// How the child ended.
    enum Termination: Sendable, Equatable {
        /// It exited with this status.
        case exited(Int32)
        /// A signal killed it.
        case signaled(Int32)
    }

    /// The child's pid, which is also its process group id.
    let pid: pid_t
    /// Its standard output, in chunks as they are read (at most a few chunks are buffered:
    /// the reader waits for the consumer).
    let stdout: AsyncStream<[UInt8]>
    private let stderrTail: Locked<[UInt8]>
    private let exit = OneShot<Termination>()
    private let credits: DispatchSemaphore

    /// Bytes of stderr kept (the tail).
    static let stderrLimit = 8 * 1024

    /// Starts `argv` (`argv[0]` searched in `PATH`) with `environment` in `directory`.
    /// - Throws: ``ExecError/spawn(_:_:)`` when the program cannot be started.
    init(argv: [String], environment: [String: String], directory: String?, input: [UInt8]) throws(ExecError) {
        precondition(!argv.isEmpty)
        let inPipe = try Self.makePipe()
        let outPipe = try Self.makePipe()
        let errPipe = try Self.makePipe()

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe.read, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe.write, 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe.write, 2)
        var argv = argv
        if let directory {
            if let addchdir = Self.addchdir {
                _ = addchdir(&actions, directory)
            } else {
                // No posix_spawn_file_actions_addchdir_np (old libc): let a shell change folder.
                argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory] + argv
            }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        let cargv = argv.map { strdup($0) } + [nil]
        defer {
            for p in envp { free(p) }
            for p in cargv { free(p) }
        }
        var spawned: pid_t = 0
        let rc = posix_spawnp(&spawned, argv[0], &actions, &attributes, cargv, envp)
        let child = spawned
        close(inPipe.read)
        close(outPipe.write)
        close(errPipe.write)
        guard rc == 0 else {
            close(inPipe.write)
            close(outPipe.read)
            close(errPipe.read)
            throw .spawn(argv[0], String(cString: strerror(rc)))
        }
        pid = child

        let credits = DispatchSemaphore(value: 4)
        self.credits = credits
        let (stream, continuation) = AsyncStream.makeStream(of: [UInt8].self, bufferingPolicy: .unbounded)
        stdout = stream
        let stopped = Locked(false)
        continuation.onTermination = { _ in
            stopped.withLock { $0 = true }
            credits.signal()
        }
        let stderrTail = Locked<[UInt8]>([])
        self.stderrTail = stderrTail

        let outFD = outPipe.read, errFD = errPipe.read, inFD = inPipe.write
        Self.thread("exec stdout") {
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                credits.wait()
                if stopped.withLock({ $0 }) { break }
                let n = buffer.withUnsafeMutableBytes { read(outFD, $0.baseAddress, $0.count) }
                if n > 0 {
                    continuation.yield(Array(buffer[0..<n]))
                } else if n < 0 && errno == EINTR {
                    credits.signal()
                } else {
                    break
                }
            }
            close(outFD)
            continuation.finish()
        }
        Self.thread("exec stderr") {
            var buffer = [UInt8](repeating: 0, count: 16 * 1024)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(errFD, $0.baseAddress, $0.count) }
                if n > 0 {
                    stderrTail.withLock { tail in
                        tail.append(contentsOf: buffer[0..<n])
                        if tail.count > 2 * Self.stderrLimit { tail.removeFirst(tail.count - Self.stderrLimit) }
                    }
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            close(errFD)
        }
        Self.thread("exec stdin") {
            // A child that exits without reading its input makes write fail with EPIPE; block
            // SIGPIPE on this thread so that does not kill the process.
            var pipeSignal = sigset_t()
            sigemptyset(&pipeSignal)
            sigaddset(&pipeSignal, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
            var offset = 0
            input.withUnsafeBytes { bytes in
                while offset < bytes.count {
                    let n = write(inFD, bytes.baseAddress! + offset, bytes.count - offset)
                    if n > 0 {
                        offset += n
                    } else if n < 0 && errno == EINTR {
                        continue
                    } else {
                        break
                    }
                }
            }
            close(inFD)
        }
        let exit = self.exit
        Self.thread("exec wait") {
            var status: Int32 = 0
            while waitpid(child, &status, 0) < 0 && errno == EINTR {}
            // WIFEXITED / WTERMSIG, spelled out (the C macros are not imported).
            let signal = status & 0x7f
            exit.set(signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal))
        }
    }

    /// Tells the stdout reader that a chunk was consumed (backpressure: it reads ahead by at
    /// most a few chunks).
    func consumed() {
        credits.signal()
    }

    /// Waits for the child to end.
    func termination() async -> Termination {
        await exit.value()
    }

    /// Waits up to `timeout` for the child to end; `nil` on timeout or cancellation.
    func termination(timeout: Duration) async -> Termination? {
        await exit.value(timeout: timeout)
    }

    /// SIGKILL to the group half a second from now, from a plain thread (for cancellation
    /// handlers, which cannot wait).
    func killGroupLater() {
        let pid = self.pid
        Self.thread("exec kill") {
            usleep(500_000)
            _ = kill(-pid, SIGKILL)
        }
    }

    /// How the child ended, if it has.
    var currentTermination: Termination? { exit.current }

    /// The last lines of what the child wrote to stderr (at most 20 lines, 8 KiB).
    func stderrText(lines: Int = 20) -> String {
        let bytes = stderrTail.withLock { Array($0.suffix(Self.stderrLimit)) }
        let text = String(decoding: bytes, as: UTF8.self)
        let all = text.split(separator: "\n", omittingEmptySubsequences: false)
        let trimmed = all.last == "" ? all.dropLast() : all[...]
        return trimmed.suffix(lines).joined(separator: "\n")
    }

    /// Sends `signal` to the child's whole process group (an ended group is ignored).
    func signalGroup(_ signal: Int32) {
        _ = kill(-pid, signal)
    }

    /// SIGTERM to the group; after `grace` (or at once if the child has ended), SIGKILL to
    /// the group, so children that ignore SIGTERM or outlive the leader go too.
    func killGroup(grace: Duration = .milliseconds(500)) async {
        signalGroup(SIGTERM)
        _ = await exit.value(timeout: grace)
        signalGroup(SIGKILL)
    }

    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29+), looked up at run time because
    /// the Glibc module does not export GNU extensions.
    private static let addchdir: AddChdir? = {
        #if canImport(Darwin)
        return nil
        #else
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
        #endif
    }()

    private static func makePipe() throws(ExecError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw .spawn("pipe", String(cString: strerror(errno))) }
        // Close-on-exec, so other children never inherit these ends (the spawn's dup2 onto
        // 0, 1 and 2 clears the flag on the child's copies).
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return (fds[0], fds[1])
    }

    private static func thread(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        thread.stackSize = 256 * 1024
        thread.start()
    }
}

/// A value behind a lock, shareable by closures and threads.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) {
        mutex = Mutex(value)
    }

    func withLock<R: Sendable>(_ body: (inout sending Value) -> sending R) -> R {
        mutex.withLock(body)
    }
}

/// A value set once, awaited by any number of tasks.
final class OneShot<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var waiters: [UInt64: @Sendable (Value?) -> Void] = [:]
        var next: UInt64 = 0
    }

    private let state = Mutex(State())

    /// The value, if set.
    var current: Value? { state.withLock { $0.value } }

    /// Sets the value (the first call wins) and wakes every waiter.
    func set(_ value: Value) {
        let waiters = state.withLock { s -> [@Sendable (Value?) -> Void] in
            guard s.value == nil else { return [] }
            s.value = value
            defer { s.waiters = [:] }
            return Array(s.waiters.values)
        }
        for w in waiters { w(value) }
    }

    /// Waits for the value, even when the waiting task is cancelled.
    func value() async -> Value {
        await withCheckedContinuation { (c: CheckedContinuation<Value, Never>) in
            let now: Value? = state.withLock { s in
                if let v = s.value { return v }
                s.next += 1
                s.waiters[s.next] = { c.resume(returning: $0!) }
                return nil
            }
            if let now { c.resume(returning: now) }
        }
    }

    /// Waits for the value, up to `timeout`; `nil` on timeout or when the waiting task is
    /// cancelled.
    func value(timeout: Duration) async -> Value? {
        if let v = current { return v }
        let id = state.withLock { s -> UInt64 in
            s.next += 1
            return s.next
        }
        return await withTaskGroup(of: Value?.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (c: CheckedContinuation<Value?, Never>) in
                        let now: Value?? = self.state.withLock { s in
                            if let v = s.value { return .some(v) }
                            if Task.isCancelled { return .some(nil) }
                            s.waiters[id] = { c.resume(returning: $0) }
                            return nil
                        }
                        if let now { c.resume(returning: now) }
                    }
                } onCancel: {
                    let waiter = self.state.withLock { $0.waiters.removeValue(forKey: id) }
                    waiter?(nil)
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}
