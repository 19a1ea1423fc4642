import A2APipe

/// Builds the rows of the live view from a ``PipelineSnapshot``: one row per stage and a final
/// overall row. Pure text (plus optional SGR colour), no cursor movement; ``TTYRenderer``
/// draws it.
///
/// A stage row reads
///
///     ⠹ summarize ███████▍░░░░░░░░  46%   3.1s  6/13 items  Swift concurrency makes…
///
/// — a state symbol, the stage id padded to the longest id, a bar with its percent, the elapsed
/// time, item counts for `for_each` stages, and the last line of output (or the error, or the
/// question an agent asked) cut to fit. Every row is at most `width - 1` columns wide (the last
/// column stays free so that no terminal ever wraps or scrolls), measured with
/// ``DisplayWidth``.
struct TTYFrame {
    /// The stages that run once per item (their rows show item counts).
    var forEachStages: Set<String>
    /// Whether to colour the rows.
    var color: Bool

    /// The output line of each `for_each` item, and the item that spoke last, per stage: items
    /// stream side by side, so their chunks must not be glued into one line.
    private var itemLines: [String: (item: Int, lines: [Int: OutputLine])] = [:]

    init(forEachStages: Set<String> = [], color: Bool = false) {
        self.forEachStages = forEachStages
        self.color = color
    }

    /// Notes what the snapshot does not keep: the output line of each `for_each` item.
    mutating func note(_ event: PipelineEvent) {
        switch event {
        case .pipelineStarted:
            itemLines = [:]
        case .stageChunk(let stage, let item?, let text):
            var entry = itemLines[stage] ?? (item, [:])
            entry.item = item
            entry.lines[item, default: OutputLine()].append(text)
            itemLines[stage] = entry
        default:
            break
        }
    }

    /// The line to show of a stream of text: the line being written, or (while it is still
    /// blank) the last complete non-blank line.
    struct OutputLine {
        /// The last complete non-blank line.
        var complete = ""
        /// The text after the last line break.
        var partial = ""

        mutating func append(_ text: String) {
            let parts = text.split(separator: "\n", omittingEmptySubsequences: false)
            for (i, part) in parts.enumerated() {
                if i > 0 {
                    if !partial.allSatisfy(\.isWhitespace) { complete = partial }
                    partial = ""
                }
                partial += part
            }
            // Keep the tail of very long lines: that is the part that changes.
            if partial.utf8.count > 1000 { partial = String(partial.suffix(300)) }
        }

        /// What to show.
        var shown: String { partial.allSatisfy(\.isWhitespace) ? complete : partial }
    }

    /// Running-stage spinner frames (one column each).
    static let spinner: [Character] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    /// The rows for `snapshot` at `width` columns.
    ///
    /// - Parameters:
    ///   - startedAt: When the run started (for the overall row's time).
    ///   - finishedAfter: The whole run's time, once it is over.
    ///   - tick: Advances the spinner.
    func rows(
        _ snapshot: PipelineSnapshot,
        width: Int,
        now: ContinuousClock.Instant,
        startedAt: ContinuousClock.Instant?,
        finishedAfter: Duration? = nil,
        tick: Int = 0
    ) -> [String] {
        let usable = max(24, width - 1)
        let ids = snapshot.stages.map(\.id)
        let idWidth = min(max(ids.map { DisplayWidth.of($0) }.max() ?? 0, DisplayWidth.of("pipeline")), max(8, usable / 5))
        let barWidth = min(20, max(10, usable / 6))
        let items = snapshot.stages.map(itemText)

        var rows: [String] = []
        for (stage, itemText) in zip(snapshot.stages, items) {
            let elapsed = stage.elapsed ?? stage.startedAt.map { now - $0 }
            let progress = Self.progress(of: stage)
            let (symbol, symbolColor) = Self.symbol(stage.state, tick: tick)
            var text = stage.lastLine
            if let entry = itemLines[stage.id], let line = entry.lines[entry.item]?.shown, !line.isEmpty {
                text = line
            }
            var textColor = "2"  // dim
            switch stage.state {
            case .failed:
                text = stage.error ?? "failed"
                textColor = "31"
            case .retrying:
                text = "\(stage.error ?? "attempt \(stage.attempt) failed") — retrying"
                textColor = "33"
            case .inputRequired:
                text = "input required: \(stage.message ?? "")"
                textColor = "33"
            case .skipped where text.isEmpty:
                text = "skipped"
            case .canceled where text.isEmpty:
                text = "canceled"
            default:
                if text.isEmpty, let message = stage.message { text = message }
            }
            rows.append(row(
                symbol: symbol, symbolColor: symbolColor, label: stage.id, idWidth: idWidth, progress: progress,
                barWidth: barWidth, elapsed: elapsed, items: itemText, text: text, textColor: textColor, usable: usable))
        }

        let finished = snapshot.stages.filter { $0.state == .completed }.count
        let overallText: String
        let overallColor: String
        let overallSymbol: (Character, String)
        switch snapshot.outcome {
        case .running:
            overallText = "\(finished)/\(snapshot.stages.count) stages"
            overallColor = "2"
            overallSymbol = (Self.spinner[tick % Self.spinner.count], "36")
        case .completed:
            overallText = "done"
            overallColor = "32"
            overallSymbol = ("✓", "32")
        case .failed:
            // The whole error follows the view as an `error:` line.
            if let failed = snapshot.stages.first(where: { $0.state == .failed }) {
                overallText = "failed at \(failed.id)"
                overallSymbol = ("✗", "31")
            } else {
                overallText = "canceled"
                overallSymbol = ("⊘", "33")
            }
            overallColor = "31"
        }
        rows.append(row(
            symbol: overallSymbol.0, symbolColor: overallSymbol.1, label: "pipeline", idWidth: idWidth,
            progress: snapshot.progress, barWidth: barWidth, elapsed: finishedAfter ?? startedAt.map { now - $0 },
            items: "", text: overallText, textColor: overallColor, usable: usable, bold: true))
        return rows
    }

    /// A stage's progress: what the engine reported, or its item counts if further along.
    static func progress(of stage: PipelineSnapshot.Stage) -> Double {
        var p = stage.progress
        if let total = stage.total, total > 0 { p = max(p, Double(stage.done) / Double(total)) }
        if stage.state == .completed { p = 1 }
        return min(1, max(0, p))
    }

    /// `6/13 items` for a `for_each` stage (`6/? items` until the total is known); empty otherwise.
    private func itemText(_ stage: PipelineSnapshot.Stage) -> String {
        guard stage.state != .pending, forEachStages.contains(stage.id) || stage.total != nil || stage.done + stage.running > 0 else { return "" }
        return "\(stage.done)/\(stage.total.map(String.init) ?? "?") items"
    }

    static func symbol(_ state: StageState, tick: Int) -> (Character, String) {
        switch state {
        case .pending: ("·", "2")
        case .running: (spinner[tick % spinner.count], "36")
        case .retrying: ("⟳", "33")
        case .inputRequired: ("?", "33")
        case .completed: ("✓", "32")
        case .failed: ("✗", "31")
        case .canceled: ("⊘", "2")
        case .skipped: ("–", "2")
        }
    }

    /// `██████▍░░░` for `progress` in `width` columns (eighth-blocks for the partial cell).
    static func bar(_ progress: Double, width: Int) -> String {
        let eighths = Int((min(1, max(0, progress)) * Double(width * 8)).rounded(.down))
        let full = eighths / 8
        let partial = eighths % 8
        let partials: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        var bar = String(repeating: "█", count: full)
        if full < width {
            if partial > 0 { bar.append(partials[partial - 1]) } else { bar.append("░") }
            bar += String(repeating: "░", count: width - full - 1)
        }
        return bar
    }

    /// `0.8s`, `12.3s`, `1m05s`, `2h03m`.
    static func format(_ duration: Duration) -> String {
        let (seconds, atto) = duration.components
        let total = max(0, Double(seconds) + Double(atto) / 1e18)
        if total < 60 { return String(Int(total * 10) / 10) + "." + String(Int(total * 10) % 10) + "s" }
        let s = Int(total)
        if s < 3600 { return "\(s / 60)m" + (s % 60 < 10 ? "0" : "") + "\(s % 60)s" }
        return "\(s / 3600)h" + ((s % 3600) / 60 < 10 ? "0" : "") + "\((s % 3600) / 60)m"
    }

    private func row(
        symbol: Character, symbolColor: String, label: String, idWidth: Int, progress: Double, barWidth: Int,
        elapsed: Duration?, items: String, text: String, textColor: String, usable: Int, bold: Bool = false
    ) -> String {
        // The fixed columns, then whatever room is left for the text.
        let percent = DisplayWidth.padLeft("\(Int((progress * 100).rounded(.down)))%", to: 4)
        let time = DisplayWidth.padLeft(elapsed.map(Self.format) ?? "", to: 6)
        var parts: [(String, String?)] = [
            (String(symbol), symbolColor), (" ", nil),
            (DisplayWidth.pad(label, to: idWidth), bold ? "1" : nil), (" ", nil),
            (Self.bar(progress, width: barWidth), symbolColor == "2" ? "2" : "36"), (" ", nil),
            (percent, nil), (" ", nil), (time, nil),
        ]
        var used = parts.reduce(0) { $0 + DisplayWidth.of($1.0) }
        // Drop columns from the right while the fixed part alone is too wide (very narrow terminals).
        while used > usable, parts.count > 3 {
            used -= DisplayWidth.of(parts.removeLast().0)
        }
        // The text column: item counts first, then the line, cut to what is left.
        var room = usable - used - 2
        if !items.isEmpty, room >= DisplayWidth.of(items) {
            parts += [("  ", nil), (items, nil)]
            room -= DisplayWidth.of(items) + 2
        }
        let line = DisplayWidth.sanitize(text)
        if room >= 4, !line.isEmpty { parts += [("  ", nil), (DisplayWidth.truncate(line, to: room), textColor)] }
        var result = ""
        for (part, sgr) in parts {
            if let sgr, color { result += "\u{1B}[\(sgr)m\(part)\u{1B}[0m" } else { result += part }
        }
        return color ? result : Self.trimTrailingSpaces(result)
    }

    private static func trimTrailingSpaces(_ s: String) -> String {
        var s = s
        while s.last == " " { s.removeLast() }
        return s
    }
}
