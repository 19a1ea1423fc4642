import Foundation

/// Unbuffered writes to stdout and stderr: each chunk reaches the reader as it is written.
enum Terminal {
    static func out(_ text: String) {
        guard !text.isEmpty else { return }
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func err(_ text: String) {
        guard !text.isEmpty else { return }
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Prints `error: message` on stderr.
    static func error(_ message: String) {
        err(message.hasSuffix("\n") ? message : message + "\n")
    }

    /// Whether stderr is a terminal.
    static var stderrIsTTY: Bool { isatty(2) == 1 }
}

/// A failure already reported to the user: exit with this code, print nothing more.
struct Exit: Error {
    var code: Int32
}
