import A2A
import Foundation

/// Why `exec` could not run its command.
public enum ExecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The program could not be started (program, reason).
    case spawn(String, String)

    public var description: String {
        switch self {
        case .spawn(let program, let reason): "cannot run '\(program)': \(reason)"
        }
    }
}

/// Runs a fixed command as an agent: the input goes to its stdin, its stdout is streamed as
/// the output **as it is produced** (one artifact chunk per read), and a non-zero exit fails
/// the task with the tail of its stderr. Any command-line tool becomes a stage.
///
/// The command runs without a shell unless ``shell`` is set (then `command[0]` is a script
/// for `/bin/sh -c`, and the other items are its `$1`, `$2`, …). It runs in a process group
/// of its own with a clean signal mask: a timeout, or cancelling the task, sends SIGTERM to
/// the whole group and SIGKILL half a second later, so everything it started stops too. When
/// the command itself exits, whatever it left running in its group is killed.
public struct ExecAgent: AgentExecutor {
    /// The program and its arguments.
    public var command: [String]
    /// Whether `command[0]` is a script run by `/bin/sh -c`.
    public var shell: Bool
    /// The longest the command may run; `nil` for no limit.
    public var timeout: Duration?
    /// Variables added to (or replacing those of) the inherited environment.
    public var environment: [String: String]
    /// The working directory; `nil` for the current one.
    public var directory: String?

    public init(command: [String], shell: Bool = false, timeout: Duration? = nil, environment: [String: String] = [:], directory: String? = nil) {
        self.command = command
        self.shell = shell
        self.timeout = timeout
        self.environment = environment
        self.directory = directory
    }

    /// The argv actually started.
    public var argv: [String] {
        guard shell, let script = command.first else { return command }
        return ["/bin/sh", "-c", script, "sh"] + command.dropFirst()
    }

    public func execute(_ context: RequestContext, updater: TaskUpdater) async throws {
        guard !command.isEmpty else {
            try await updater.fail("exec: no command given")
            return
        }
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let child: ChildProcess
        do {
            child = try ChildProcess(argv: argv, environment: env, directory: directory, input: Array(context.userInput.utf8))
        } catch {
            try await updater.fail(error.description)
            return
        }
        try await updater.startWork("running \(command[0])")

        let timedOut = OneShot<Bool>()
        let outcome: Result<ChildProcess.Termination, any Error> = await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                if let timeout {
                    group.addTask {
                        if await child.termination(timeout: timeout) == nil, !Task.isCancelled {
                            timedOut.set(true)
                            await child.killGroup()
                        }
                    }
                }
                group.addTask {
                    // When the command exits, stop whatever it left running in its group (it
                    // could otherwise hold stdout open and keep the stage waiting).
                    while !Task.isCancelled {
                        if await child.termination(timeout: .seconds(3600)) != nil {
                            child.signalGroup(SIGKILL)
                            return
                        }
                    }
                }
                defer { group.cancelAll() }
                do {
                    var decoder = UTF8Chunker()
                    for await bytes in child.stdout {
                        child.consumed()
                        let text = decoder.push(bytes)
                        if !text.isEmpty { try await updater.addArtifact(text: text, lastChunk: false) }
                    }
                    let rest = decoder.finish()
                    if !rest.isEmpty { try await updater.addArtifact(text: rest, lastChunk: false) }
                    let termination = await child.termination()
                    // The command is done: stop whatever it left running in its group.
                    child.signalGroup(SIGKILL)
                    return .success(termination)
                } catch {
                    await child.killGroup()
                    return .failure(error)
                }
            }
        } onCancel: {
            child.signalGroup(SIGTERM)
            child.killGroupLater()
        }
        switch outcome {
        case .failure(let error):
            throw error
        case .success(let termination):
            try Task.checkCancellation()
            if timedOut.current == true {
                try await updater.fail(Self.describe("timed out after \(timeout.map(Self.format) ?? "?"); its process group was killed", stderr: child.stderrText()))
                return
            }
            switch termination {
            case .exited(0):
                try await updater.finishArtifact()
                try await updater.complete()
            case .exited(let status):
                try await updater.fail(Self.describe("exited with status \(status)", stderr: child.stderrText()))
            case .signaled(let signal):
                try await updater.fail(Self.describe("was killed by signal \(signal)", stderr: child.stderrText()))
            }
        }
    }

    private static func format(_ d: Duration) -> String {
        let ms = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
        return ms % 1000 == 0 ? "\(ms / 1000)s" : "\(ms)ms"
    }

    private static func describe(_ what: String, stderr: String) -> String {
        stderr.isEmpty ? "command \(what)" : "command \(what); stderr:\n\(stderr)"
    }
}

/// Turns a byte stream into text without splitting a UTF-8 sequence across chunks.
struct UTF8Chunker {
    private var pending: [UInt8] = []

    /// The text decodable so far; an incomplete trailing sequence is kept for the next push.
    mutating func push(_ bytes: [UInt8]) -> String {
        pending.append(contentsOf: bytes)
        var cut = pending.count
        // Look back at most 3 bytes for the start of an incomplete sequence.
        var i = pending.count - 1
        while i >= 0 && i >= pending.count - 4 {
            let b = pending[i]
            if b & 0xC0 == 0x80 { i -= 1; continue }  // continuation byte
            let need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
            if pending.count - i < need { cut = i }
            break
        }
        let text = String(decoding: pending[..<cut], as: UTF8.self)
        pending.removeFirst(cut)
        return text
    }

    /// Whatever is left (invalid bytes become U+FFFD).
    mutating func finish() -> String {
        defer { pending = [] }
        return String(decoding: pending, as: UTF8.self)
    }
}
