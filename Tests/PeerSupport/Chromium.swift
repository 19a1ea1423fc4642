import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Headless Chromium for the web page tests: Debian's `chromium` package, installed on first
/// use, driven over the DevTools protocol by `Browser/cdp_driver.py` (standard library only).
///
/// `CHROMIUM=/path/to/chromium` uses another binary. Otherwise `/usr/bin/chromium` is used, and
/// installed with `apt-get install -y chromium` when missing, as root, under a lock file so
/// parallel test processes do not collide. If it cannot be installed the tests fail with
/// ``ChromiumError`` saying what to do; they are never skipped.
public enum Chromium {
    /// The lock file that serialises installs across processes.
    public static let lockFile = "/tmp/a2a-pipe-chromium-install.lock"

    /// The Chromium binary, installed first if needed.
    public static func executable() async throws -> URL {
        try await Installer.shared.executable()
    }

    /// Opens `url` in a fresh headless Chromium, runs `steps` in order, and returns what the
    /// `eval` steps recorded. Throws ``ChromiumError/pageFailed`` (with the page's text, its
    /// console and uncaught exceptions) when a step fails or a wait runs out.
    public static func drive(_ url: String, steps: [BrowserStep], timeout: Duration = .seconds(150)) async throws -> BrowserRun {
        let chromium = try await executable()
        let python = try PythonEnvironment.systemPython()
        let script = try Browser.script()
        let stepsJSON = String(decoding: try JSONSerialization.data(withJSONObject: steps.map(\.json)), as: UTF8.self)
        let r = try await runProgram(python, arguments: ["-u", script.path, chromium.path, url, stepsJSON], timeout: timeout)
        let line = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw ChromiumError.pageFailed(error: "the driver printed no result (exit \(r.exitCode))", page: "", console: [], exceptions: [], stderr: tail(r.stderr))
        }
        let console = object["console"] as? [String] ?? []
        let exceptions = object["exceptions"] as? [String] ?? []
        if let error = object["error"] as? String {
            throw ChromiumError.pageFailed(error: error, page: object["page"] as? String ?? "", console: console, exceptions: exceptions, stderr: tail(r.stderr))
        }
        let results = try JSONSerialization.data(withJSONObject: object["results"] ?? [String: Any]())
        return BrowserRun(resultsJSON: results, console: console, exceptions: exceptions)
    }

    private actor Installer {
        static let shared = Installer()
        private var found: URL?

        func executable() async throws -> URL {
            if let found { return found }
            let url = try await locateOrInstall()
            found = url
            return url
        }

        private func locateOrInstall() async throws -> URL {
            if let path = ProcessInfo.processInfo.environment["CHROMIUM"], !path.isEmpty {
                guard FileManager.default.isExecutableFile(atPath: path) else { throw ChromiumError.notExecutable(path) }
                return URL(fileURLWithPath: path)
            }
            let path = "/usr/bin/chromium"
            if FileManager.default.isExecutableFile(atPath: path) { return URL(fileURLWithPath: path) }
            guard getuid() == 0 else { throw ChromiumError.cannotInstall(reason: "the tests do not run as root, so they cannot apt-get it", output: "") }
            // apt-get waits for dpkg's own lock (DPkg::Lock::Timeout); the flock keeps two test
            // processes from both starting an install. Lists may be missing on a fresh image:
            // update them when the first install attempt fails.
            let apt = "apt-get -y -q -o DPkg::Lock::Timeout=600"
            let script = """
                command -v chromium >/dev/null 2>&1 && exit 0
                export DEBIAN_FRONTEND=noninteractive
                \(apt) install chromium && exit 0
                \(apt) update && \(apt) install chromium
                """
            let r = try await runProgram(
                URL(fileURLWithPath: "/usr/bin/flock"), arguments: ["-w", "900", Chromium.lockFile, "/bin/sh", "-c", script],
                timeout: .seconds(1200))
            guard r.exitCode == 0, FileManager.default.isExecutableFile(atPath: path) else {
                throw ChromiumError.cannotInstall(reason: "apt-get install chromium exited \(r.exitCode)", output: tail(r.stdout + r.stderr))
            }
            return URL(fileURLWithPath: path)
        }
    }
}

/// One step of ``Chromium/drive(_:steps:timeout:)``.
public enum BrowserStep: Sendable {
    /// Poll until the JavaScript expression is truthy; fail after `timeout` seconds.
    case wait(String, timeout: Int = 60)
    /// Evaluate the expression and record its value (JSON) under `name`.
    case eval(String, name: String)
    /// Click the element matched by the CSS selector.
    case click(String)
    /// Set the value of the input matched by the CSS selector.
    case type(String, text: String)
    /// Reload the page and wait for it to load.
    case reload
    /// Save a PNG of the viewport.
    case screenshot(path: String)
    /// Create the file at `path`, so the test knows the steps before it are done.
    case mark(path: String)

    var json: [String: Any] {
        switch self {
        case .wait(let e, let t): ["wait": e, "timeout": t]
        case .eval(let e, let name): ["eval": e, "name": name]
        case .click(let s): ["click": s]
        case .type(let s, let text): ["type": s, "text": text]
        case .reload: ["reload": true]
        case .screenshot(let path): ["screenshot": path]
        case .mark(let path): ["mark": path]
        }
    }
}

/// What a browser run recorded.
public struct BrowserRun: Sendable {
    /// The `eval` results, as a JSON object.
    public let resultsJSON: Data
    /// The page's console messages.
    public let console: [String]
    /// Uncaught exceptions in the page.
    public let exceptions: [String]

    /// The recorded value named `name` (decoded JSON: String, NSNumber, arrays, dictionaries).
    public func value(_ name: String) -> Any? {
        (try? JSONSerialization.jsonObject(with: resultsJSON) as? [String: Any])?[name]
    }

    /// The recorded value as a string.
    public func string(_ name: String) -> String? { value(name) as? String }
}

/// The web page tests could not get or use a browser.
public enum ChromiumError: Error, CustomStringConvertible, Sendable {
    case notExecutable(String)
    case cannotInstall(reason: String, output: String)
    case pageFailed(error: String, page: String, console: [String], exceptions: [String], stderr: String)

    public var description: String {
        switch self {
        case .notExecutable(let path):
            return "CHROMIUM=\(path) is not an executable file; point it at a Chromium binary or unset it"
        case .cannotInstall(let reason, let output):
            return "the web page tests need headless Chromium (Debian's chromium package) and could not install it: \(reason). "
                + "Install it with `sudo apt-get install chromium`, or set CHROMIUM=/path/to/chromium.\n\(output)"
        case .pageFailed(let error, let page, let console, let exceptions, let stderr):
            return "the browser step failed: \(error)\npage: \(page.prefix(3000))\nconsole: \(console.suffix(20))\nexceptions: \(exceptions)\ndriver stderr: \(stderr)"
        }
    }
}

/// Locates `Browser/cdp_driver.py`.
enum Browser {
    static func script() throws -> URL {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser/cdp_driver.py")
        if FileManager.default.fileExists(atPath: source.path) { return source }
        let bundled = Bundle.module.resourceURL!.appendingPathComponent("Browser/cdp_driver.py")
        guard FileManager.default.fileExists(atPath: bundled.path) else { throw PeerSupportError.scriptNotFound(bundled.path) }
        return bundled
    }
}
