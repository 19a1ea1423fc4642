import ArgumentParser
import Foundation

/// `a2a-pipe run --output`: how the run is shown (design.md §4).
enum OutputMode: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// `tty` when stderr is a terminal (and `TERM` is not `dumb`), else `plain`.
    case auto
    /// The live view on stderr, redrawn in place.
    case tty
    /// One line per event on stderr, prefixed with the stage id.
    case plain
    /// One JSON object per event on stdout, and nothing else there.
    case jsonl
    /// Only the output, on stdout.
    case quiet

    /// The mode `auto` stands for here, and whether to use colour.
    ///
    /// - Parameters:
    ///   - environment: Where `TERM` and `NO_COLOR` are read.
    ///   - stderrIsTTY: Whether stderr is a terminal.
    func resolved(environment: [String: String], stderrIsTTY: Bool) -> (mode: OutputMode, color: Bool) {
        let dumb = environment["TERM"] == "dumb"
        // https://no-color.org: any non-empty NO_COLOR disables colour. Under `auto` it also
        // means plain lines (the issue: the view "degrades to plain when not a terminal or
        // NO_COLOR is set"); an explicit `--output tty` still redraws, without colour.
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        let mode: OutputMode
        switch self {
        case .auto: mode = stderrIsTTY && !dumb && !noColor ? .tty : .plain
        default: mode = self
        }
        return (mode, mode == .tty && !noColor && !dumb)
    }
}
