import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unbuffered writes to stdout and stderr: each chunk reaches the reader as it is written.
///
/// Written with `write(2)` rather than `FileHandle.write`, which traps when the reader has gone
/// (`a2a-pipe call … | head`). When stdout's reader is gone the process exits quietly with
/// 141, as a command killed by SIGPIPE would.
enum Terminal {
    static func out(_ text: String) {
        guard !text.isEmpty else { return }
        if !write(text, to: 1) { exit(141) }
    }

    static func err(_ text: String) {
        guard !text.isEmpty else { return }
        _ = write(text, to: 2)
    }

    /// Prints `error: message` on stderr.
    static func error(_ message: String) {
        err(message.hasSuffix("\n") ? message : message + "\n")
    }

    /// Whether stderr is a terminal.
    static var stderrIsTTY: Bool { isatty(2) == 1 }

    /// Writes all of `text`; returns false when the reader has gone (EPIPE).
    private static func write(_ text: String, to fd: Int32) -> Bool {
        var text = text
        return text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                #if canImport(Glibc)
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                #else
                let n = Darwin.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                #endif
                if n < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return false
                }
                offset += n
            }
            return true
        }
    }
}

/// A failure already reported to the user: exit with this code, print nothing more.
struct Exit: Error {
    var code: Int32
}
