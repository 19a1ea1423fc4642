import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The virtualenvs that the peers and Python clients run in.
public enum VirtualEnv: String, Sendable, CaseIterable, CustomStringConvertible {
    /// a2a-sdk 1.3.0 (A2A 1.0, optional 0.3 compat layer).
    case sdk13 = "venv-sdk13"
    /// a2a-sdk 0.3.26 (A2A 0.3).
    case sdk03 = "venv-sdk03"
    /// python-a2a 0.5.10 (the legacy pre-0.2 dialect).
    case pythonA2A = "venv-pa2a"

    /// The exact pip requirements installed into this virtualenv.
    public var requirements: [String] {
        switch self {
        case .sdk13: return ["a2a-sdk[http-server]==1.3.0", "uvicorn"]
        case .sdk03: return ["a2a-sdk[http-server]==0.3.26", "uvicorn"]
        case .pythonA2A: return ["python-a2a==0.5.10"]
        }
    }

    /// The directory name under the interop directory.
    public var description: String { rawValue }
}

/// Creates and caches the Python virtualenvs under `<package root>/.build/interop/`.
///
/// - Idempotent: each virtualenv holds a marker file with its exact requirement list; when the
///   marker matches, nothing is run.
/// - Within one test process, each virtualenv is set up at most once however many tests ask
///   concurrently (the actor caches the setup task, including a failure).
/// - Across processes, setup of one virtualenv is serialised by an `flock` on
///   `<interop>/<venv>.lock`.
/// - Uses `python3` from `PATH`; `python3 -m venv` is bounded by 3 minutes and `pip install` by
///   10 minutes. Failures throw ``PeerSupportError/environmentSetupFailed(venv:step:exitCode:outputTail:)``
///   with the tail of the output (the full log stays in `<interop>/<venv>.setup.log`).
///
/// The interop directory can be overridden with the environment variable `PEER_INTEROP_DIR`.
public actor PythonEnvironment {
    /// The environment every ``Peer`` and ``runPythonClient(script:venv:arguments:timeout:environment:)``
    /// uses.
    public static let shared = PythonEnvironment()

    /// Where the virtualenvs live: `$PEER_INTEROP_DIR`, else `<package root>/.build/interop`.
    public nonisolated let interopDirectory: URL

    private var setups: [VirtualEnv: Task<URL, any Error>] = [:]

    /// The name of the marker file inside each virtualenv.
    public static let markerName = ".a2a-pipe-requirements"

    /// An environment rooted at `interopDirectory` (default: see ``interopDirectory``).
    public init(interopDirectory: URL? = nil) {
        self.interopDirectory = interopDirectory ?? Self.defaultInteropDirectory()
    }

    /// The virtualenv's directory (it may not exist yet).
    public nonisolated func directory(of venv: VirtualEnv) -> URL {
        interopDirectory.appendingPathComponent(venv.rawValue, isDirectory: true)
    }

    /// Ensures the virtualenv exists with its requirements, and returns its `bin/python`.
    public func python(for venv: VirtualEnv) async throws -> URL {
        if let setup = setups[venv] { return try await setup.value }
        let root = interopDirectory
        let setup = Task { try await Self.setUp(venv, in: root) }
        setups[venv] = setup
        return try await setup.value
    }

    /// Ensures every virtualenv (concurrently).
    public func prepareAll() async throws {
        try await withThrowingTaskGroup(of: URL.self) { group in
            for venv in VirtualEnv.allCases {
                group.addTask { try await self.python(for: venv) }
            }
            try await group.waitForAll()
        }
    }

    // MARK: Locations

    /// The directory containing `Package.swift`, found by walking up from `filePath`.
    public static func packageRoot(from filePath: String = #filePath) throws -> URL {
        var dir = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while true {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
                return dir
            }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { throw PeerSupportError.packageRootNotFound(searchedFrom: filePath) }
            dir = parent
        }
    }

    /// `python3` from `PATH`.
    public static func systemPython() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for entry in path.split(separator: ":") where !entry.isEmpty {
            let candidate = URL(fileURLWithPath: String(entry)).appendingPathComponent("python3")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw PeerSupportError.pythonNotFound(path: path)
    }

    static func defaultInteropDirectory() -> URL {
        if let override = ProcessInfo.processInfo.environment["PEER_INTEROP_DIR"], !override.isEmpty {
            return URL(fileURLWithPath: override, isDirectory: true)
        }
        if let root = try? packageRoot() {
            return root.appendingPathComponent(".build/interop", isDirectory: true)
        }
        return FileManager.default.temporaryDirectory.appendingPathComponent("a2a-pipe-interop", isDirectory: true)
    }

    // MARK: Setup

    private static func markerContents(_ venv: VirtualEnv) -> String {
        venv.requirements.joined(separator: "\n") + "\n"
    }

    private static func isReady(_ venv: VirtualEnv, dir: URL) -> Bool {
        let python = dir.appendingPathComponent("bin/python")
        let marker = dir.appendingPathComponent(markerName)
        return FileManager.default.isExecutableFile(atPath: python.path)
            && readText(marker) == markerContents(venv)
    }

    private static func setUp(_ venv: VirtualEnv, in root: URL) async throws -> URL {
        let fm = FileManager.default
        let dir = root.appendingPathComponent(venv.rawValue, isDirectory: true)
        let python = dir.appendingPathComponent("bin/python")
        if isReady(venv, dir: dir) { return python }

        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        let lock = try await FileLock.acquire(
            root.appendingPathComponent("\(venv.rawValue).lock"), timeout: .seconds(20 * 60))
        defer { lock.release() }
        if isReady(venv, dir: dir) { return python }  // another process finished it meanwhile

        let log = root.appendingPathComponent("\(venv.rawValue).setup.log")
        var env = ProcessInfo.processInfo.environment
        env["PIP_NO_INPUT"] = "1"
        env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"

        try? fm.removeItem(at: dir.appendingPathComponent(markerName))
        if !fm.isExecutableFile(atPath: python.path) {
            try? fm.removeItem(at: dir)
            let system = try systemPython()
            let status = try await runLogged(
                system, ["-m", "venv", dir.path], environment: env, logFile: log,
                timeout: .seconds(180), what: "python3 -m venv \(dir.path)")
            guard status == 0 else {
                throw PeerSupportError.environmentSetupFailed(
                    venv: venv.rawValue, step: "python3 -m venv", exitCode: status,
                    outputTail: tail(readText(log)))
            }
        }
        let status = try await runLogged(
            python, ["-m", "pip", "install"] + venv.requirements, environment: env, logFile: log,
            timeout: .seconds(600), what: "pip install into \(venv.rawValue)")
        guard status == 0 else {
            throw PeerSupportError.environmentSetupFailed(
                venv: venv.rawValue, step: "pip install " + venv.requirements.joined(separator: " "),
                exitCode: status, outputTail: tail(readText(log)))
        }
        try Data(markerContents(venv).utf8).write(
            to: dir.appendingPathComponent(markerName), options: .atomic)
        return python
    }
}

/// An exclusive `flock` on a lock file, held until `release()`.
struct FileLock: Sendable {
    let fd: Int32

    /// Polls for the lock (non-blocking attempts) until `timeout`.
    static func acquire(_ url: URL, timeout: Duration) async throws -> FileLock {
        let fd = open(url.path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw PeerSupportError.systemCallFailed(call: "open \(url.path)", errno: errno) }
        let deadline = ContinuousClock.now + timeout
        while true {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return FileLock(fd: fd) }
            let error = errno
            guard error == EWOULDBLOCK || error == EINTR else {
                close(fd)
                throw PeerSupportError.systemCallFailed(call: "flock \(url.path)", errno: error)
            }
            guard ContinuousClock.now < deadline else {
                close(fd)
                throw PeerSupportError.timedOut(
                    what: "waiting for the lock \(url.path)", seconds: timeout.seconds, outputTail: "")
            }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    /// Releases the lock (closing the descriptor releases the flock).
    func release() {
        _ = flock(fd, LOCK_UN)
        close(fd)
    }
}
