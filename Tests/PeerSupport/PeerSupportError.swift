import Foundation

/// Errors thrown by the peer harness. Every case carries enough text (a tail of the relevant
/// output) to diagnose a failure from a test log alone.
public enum PeerSupportError: Error, CustomStringConvertible, Sendable {
    /// No directory containing `Package.swift` was found above the given file.
    case packageRootNotFound(searchedFrom: String)
    /// `python3` is not on `PATH`.
    case pythonNotFound(path: String)
    /// A peer script is missing from the `Peers` folder.
    case scriptNotFound(String)
    /// Creating a virtualenv or installing into it failed.
    case environmentSetupFailed(venv: String, step: String, exitCode: Int32, outputTail: String)
    /// A bounded wait ran out.
    case timedOut(what: String, seconds: Double, outputTail: String)
    /// A peer exited (or closed its stdout) before printing its `PORT <n>` line.
    case peerExitedBeforeReady(kind: String, exitCode: Int32?, stdout: String, stderrTail: String)
    /// A system call failed.
    case systemCallFailed(call: String, errno: Int32)

    public var description: String {
        switch self {
        case .packageRootNotFound(let from):
            return "PeerSupport: no Package.swift found above \(from)"
        case .pythonNotFound(let path):
            return "PeerSupport: python3 not found on PATH (\(path))"
        case .scriptNotFound(let name):
            return "PeerSupport: peer script \(name) not found"
        case .environmentSetupFailed(let venv, let step, let code, let tail):
            return "PeerSupport: setting up \(venv) failed at '\(step)' (exit \(code)); output tail:\n\(tail)"
        case .timedOut(let what, let seconds, let tail):
            return "PeerSupport: \(what) did not finish within \(seconds) s; output tail:\n\(tail)"
        case .peerExitedBeforeReady(let kind, let code, let stdout, let tail):
            let codeText = code.map { "exit \($0)" } ?? "stdout closed"
            return "PeerSupport: peer \(kind) stopped before printing PORT (\(codeText)); stdout: \(stdout.debugDescription); stderr tail:\n\(tail)"
        case .systemCallFailed(let call, let errno):
            return "PeerSupport: \(call) failed, errno \(errno)"
        }
    }
}

/// The last `maxBytes` bytes of `text`, starting at a line boundary where possible.
func tail(_ text: String, maxBytes: Int = 4000) -> String {
    let utf8 = Array(text.utf8)
    guard utf8.count > maxBytes else { return text }
    var slice = utf8[(utf8.count - maxBytes)...]
    if let newline = slice.firstIndex(of: UInt8(ascii: "\n")) {
        slice = slice[(newline + 1)...]
    }
    return "…" + String(decoding: slice, as: UTF8.self)
}
