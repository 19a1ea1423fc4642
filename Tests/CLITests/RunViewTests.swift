import Foundation
import PeerSupport
import Testing

/// The live view (`--output tty`), forced on with stderr captured to a file and the width fixed
/// with `A2A_PIPE_COLUMNS`: the frames it draws, decoded from the escape sequences.
@Suite("a2a-pipe run: the live view", .timeLimit(.minutes(5)))
struct RunViewTests {
    /// One drawn frame: its rows as shown, without colour.
    struct Frame {
        var rows: [String]
    }

    /// The frames in `stderr`: each one is wrapped in `ESC[?2026h` … `ESC[?2026l`.
    static func frames(_ stderr: String) -> [Frame] {
        stderr.components(separatedBy: "\u{1B}[?2026h").dropFirst().compactMap { chunk in
            guard let end = chunk.range(of: "\u{1B}[?2026l") else { return nil }
            let body = stripEscapes(String(chunk[..<end.lowerBound]))
            var rows = body.components(separatedBy: "\n")
            if rows.last == "" { rows.removeLast() }
            return Frame(rows: rows.map { $0.replacingOccurrences(of: "\r", with: "") })
        }
    }

    /// `text` without CSI sequences.
    static func stripEscapes(_ text: String) -> String {
        var result = ""
        var scalars = text.unicodeScalars.makeIterator()
        while let s = scalars.next() {
            guard s == "\u{1B}" else { result.unicodeScalars.append(s); continue }
            guard scalars.next() == "[" else { continue }
            while let c = scalars.next(), !(0x40...0x7E).contains(c.value) {}
        }
        return result
    }

    /// Terminal columns, as a terminal counts them (CJK and emoji 2, combining marks 0).
    static func width(_ text: String) -> Int {
        text.reduce(0) { sum, ch in
            let v = ch.unicodeScalars.first!.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFF00...0xFF60).contains(v) || (0x1F300...0x1FAFF).contains(v)
                || (0x20000...0x3FFFD).contains(v)
            return sum + (wide ? 2 : 1)
        }
    }

    static func run(_ pipeline: String, input: String, columns: Int = 80, color: Bool = false) async throws -> (CLI.Result, [Frame]) {
        let file = try RunPipelines.write(pipeline)
        var environment = ["A2A_PIPE_COLUMNS": "\(columns)"]
        // The test's own environment may have TERM=dumb or NO_COLOR: set both.
        environment["TERM"] = "xterm-256color"
        environment["NO_COLOR"] = color ? "" : "1"
        let r = try await runCLI(["run", file, "--input", input, "--output", "tty"], environment: environment)
        return (r, frames(r.stderr))
    }

    @Test("every row fits 80 columns, the row count never changes, the last frame shows the outcome", arguments: [false, true])
    func framesAt80(color: Bool) async throws {
        let (r, frames) = try await Self.run(RunPipelines.threeStage(items: 5), input: "alpha beta gamma", color: color)
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Item 5: alpha beta gamma"))
        #expect(frames.count >= 3, "the view is redrawn while the run goes on")
        for frame in frames {
            #expect(frame.rows.count == 4, "three stages and the overall row: \(frame.rows)")
            for row in frame.rows { #expect(Self.width(row) < 80, "row too wide (\(Self.width(row))): \(row)") }
        }
        let last = try #require(frames.last)
        #expect(last.rows[0].hasPrefix("✓ list "))
        #expect(last.rows[1].hasPrefix("✓ expand "))
        #expect(last.rows[1].contains("5/5 items"), "\(last.rows[1])")
        #expect(last.rows[2].hasPrefix("✓ write "))
        #expect(last.rows[3].hasPrefix("✓ pipeline "))
        #expect(last.rows.allSatisfy { $0.contains("100%") })
        // Item counts were visible while the for_each stage ran.
        #expect(frames.contains { $0.rows[1].contains(" items") && !$0.rows[1].contains("5/5 items") })
        // The cursor was hidden for the view and is shown again at the end.
        #expect(r.stderr.contains("\u{1B}[?25l"))
        #expect(r.stderr.hasSuffix("\u{1B}[?25h\u{1B}[?2026l\n"))
        if !color { #expect(!r.stderr.contains("\u{1B}[3"), "NO_COLOR: no colour codes") } else { #expect(r.stderr.contains("\u{1B}[32m")) }
        // In place: every frame after the first moves the cursor up over the previous one.
        #expect(r.stderr.components(separatedBy: "\u{1B}[4A").count - 1 == frames.count - 1)
    }

    @Test("long and wide output lines are cut to fit, never wrapped", arguments: [80, 40])
    func truncation(columns: Int) async throws {
        let long = (1...60).map { "word\($0)" }.joined(separator: " ")
        let wide = String(repeating: "漢字かな🙂", count: 20)
        for input in [long, wide] {
            let (r, frames) = try await Self.run(RunPipelines.words(delay: "5ms"), input: input, columns: columns)
            #expect(r.exitCode == 0, "\(r.stderr)")
            #expect(!frames.isEmpty)
            for frame in frames {
                #expect(frame.rows.count == 2)
                for row in frame.rows { #expect(Self.width(row) < columns, "row too wide (\(Self.width(row)) > \(columns)): \(row)") }
            }
            #expect(frames.contains { $0.rows[0].hasSuffix("…") }, "a long last line ends with …")
        }
    }

    @Test("a failed stage shows ✗ and its error, and so does the overall row")
    func failedRow() async throws {
        let (r, frames) = try await Self.run(RunPipelines.failing, input: "x")
        #expect(r.exitCode == 1)
        let last = try #require(frames.last)
        #expect(last.rows.count == 3)
        #expect(last.rows[0].hasPrefix("✓ first "))
        #expect(last.rows[1].hasPrefix("✗ second "), "\(last.rows)")
        #expect(last.rows[2].hasPrefix("✗ pipeline "))
        // The error line is printed once, after the last frame.
        #expect(r.stderr.hasSuffix("\n") && r.errorLines.last?.hasPrefix("error: ") == true)
    }
}
