import Foundation

/// Whole writes to a file descriptor: one `write(2)` per call when the kernel takes it all,
/// retried on short writes, `EINTR` and `EAGAIN`.
enum StandardStream {
    /// stdout's reader has gone (`a2a-pipe run … | head`): the run stops, and the process exits
    /// with 141 as a command killed by SIGPIPE would.
    struct Closed: Error {}

    /// Writes all of `text` to `fd` (1 stdout, 2 stderr); false when the reader has gone
    /// (`EPIPE`) or the write fails.
    @discardableResult
    static func write(_ text: String, to fd: Int32) -> Bool {
        guard !text.isEmpty else { return true }
        var text = text
        return text.withUTF8 { buffer in
            guard var base = buffer.baseAddress else { return true }
            var left = buffer.count
            while left > 0 {
                let n = Foundation.write(fd, base, left)
                if n < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return false
                }
                left -= n
                base += n
            }
            return true
        }
    }

    /// Writes all of `text` to stdout (or `fd`); throws ``Closed`` when the reader has gone.
    static func output(_ text: String, to fd: Int32 = 1) throws(Closed) {
        if !write(text, to: fd) { throw Closed() }
    }

    /// Whether `fd` is a terminal.
    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// The terminal's width in columns: `A2A_PIPE_COLUMNS` if set (for tests and for
    /// recording), else the width of the terminal on `fd`, else `COLUMNS`, else 80.
    static func columns(of fd: Int32, environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        if let forced = environment["A2A_PIPE_COLUMNS"].flatMap(Int.init), forced > 0 { return forced }
        var size = winsize()
        if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
        return 80
    }
}
