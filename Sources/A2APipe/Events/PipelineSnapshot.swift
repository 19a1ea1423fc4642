/// The state of a run as a person sees it: every stage's state, progress, attempt, item counts
/// and last line of output, and the pipeline's progress.
///
/// It is a fold of ``PipelineEvent``s (``apply(_:)``): the terminal view draws it and the A2A
/// server sends it as progress metadata, so nothing is computed twice.
public struct PipelineSnapshot: Sendable, Equatable {
    /// One stage's state.
    public struct Stage: Sendable, Equatable {
        public var id: String
        public var state: StageState
        public var progress: Double
        public var attempt: Int
        /// `for_each` item counts.
        public var done: Int
        public var running: Int
        public var total: Int?
        /// The last non-empty line of output, for display (at most 200 characters).
        public var lastLine: String {
            get { line.utf8.count <= Self.maxLine ? line : String(line.suffix(Self.maxLine)) }
            set { line = newValue }
        }
        /// `lastLine`, possibly longer: cut to its last 200 characters when read, not on every
        /// chunk (cutting a `String` by characters is the costly part of following a stream).
        var line: String
        /// The agent's latest progress message, or the question it asked.
        public var message: String?
        /// When the stage started and (once over) how long it took.
        public var startedAt: ContinuousClock.Instant?
        public var elapsed: Duration?
        public var error: String?
        /// The unfinished line of each item (`-1` for a stage without items), so that items
        /// running side by side never splice into each other's line.
        var partialLines: [Int: String] = [:]

        public init(id: String) {
            self.id = id
            state = .pending
            progress = 0
            attempt = 0
            done = 0
            running = 0
            line = ""
        }
    }

    public var pipeline: String
    /// Stages in display order.
    public var stages: [Stage]
    public var progress: Double
    public var outcome: Outcome

    /// How the run ended, if it has.
    public enum Outcome: Sendable, Equatable {
        case running
        case completed
        case failed(String)
    }

    public init(pipeline: String = "", stages: [String] = []) {
        self.pipeline = pipeline
        self.stages = stages.map(Stage.init)
        progress = 0
        outcome = .running
    }

    /// The stage with this id.
    public subscript(stage id: String) -> Stage? {
        stages.first { $0.id == id }
    }

    /// Folds one event in.
    public mutating func apply(_ event: PipelineEvent, now: ContinuousClock.Instant = .now) {
        switch event {
        case .stageTask:
            break  // where a remote task lives; the view does not show it
        case .pipelineStarted(let pipeline, let ids):
            self = PipelineSnapshot(pipeline: pipeline, stages: ids)
        case .stageStarted(let id, let attempt):
            update(id) {
                $0.state = .running
                $0.attempt = attempt
                if $0.startedAt == nil { $0.startedAt = now }
                $0.error = nil
            }
        case .stageChunk(let id, let item, let text):
            update(id) {
                $0.resumeAfterAnswer()
                $0.appendOutput(text, item: item)
            }
        case .stageProgress(let id, let progress, let message):
            update(id) {
                $0.resumeAfterAnswer()
                $0.progress = max($0.progress, progress)
                if let message { $0.message = message }
            }
        case .stageItems(let id, let done, let running, let total):
            update(id) {
                $0.done = done
                $0.running = running
                $0.total = total
            }
        case .stageInputRequired(let id, let question):
            update(id) {
                $0.state = .inputRequired
                $0.message = question
            }
        case .stageCompleted(let id, let elapsed):
            update(id) {
                $0.state = .completed
                $0.progress = 1
                $0.elapsed = elapsed
            }
        case .stageFailed(let id, let attempt, _, let error, let willRetry):
            update(id) {
                $0.attempt = attempt
                $0.error = error
                if !willRetry {
                    $0.state = .failed
                    if let started = $0.startedAt { $0.elapsed = now - started }
                } else {
                    $0.state = .retrying
                }
            }
        case .pipelineProgress(let p):
            progress = max(progress, p)
        case .pipelineOutput:
            break
        case .pipelineCompleted:
            outcome = .completed
            progress = 1
        case .pipelineFailed(let stage, let error):
            outcome = .failed(error)
            for i in stages.indices where !stages[i].state.isFinal && stages[i].id != stage {
                stages[i].state = stages[i].state == .pending ? .skipped : .canceled
            }
        }
    }

    private mutating func update(_ id: String, _ body: (inout Stage) -> Void) {
        guard let i = stages.firstIndex(where: { $0.id == id }) else { return }
        body(&stages[i])
    }
}

extension PipelineSnapshot.Stage {
    static let maxLine = 200

    /// Whether a UTF-8 byte may begin a character that `Character.isNewline` accepts: LF, VT,
    /// FF, CR, or the lead byte of NEL (U+0085) or LS/PS (U+2028, U+2029).
    static func mayStartNewline(_ byte: UInt8) -> Bool {
        (0x0A...0x0D).contains(byte) || byte == 0xC2 || byte == 0xE2
    }

    /// Folds a chunk of output into the display line: the line being written by the item that
    /// produced it, or its last complete line when the chunk ended one.
    mutating func appendOutput(_ text: String, item: Int?) {
        let key = item ?? -1
        var buffer = partialLines.removeValue(forKey: key) ?? ""
        if !text.utf8.contains(where: Self.mayStartNewline) {
            // The common case, a chunk inside a line: append in place, and cut the partial line
            // down only once it is well past the display width.
            buffer += text
            if buffer.utf8.count > 4 * Self.maxLine { buffer = String(buffer.suffix(Self.maxLine)) }
            if !text.unicodeScalars.allSatisfy(\.properties.isWhitespace) || !buffer.unicodeScalars.allSatisfy(\.properties.isWhitespace) {
                line = buffer
            }
            partialLines[key] = buffer
            return
        }
        buffer += text
        if let lastBreak = buffer.lastIndex(where: \.isNewline) {
            let complete = buffer[..<lastBreak]
            let rest = String(buffer[buffer.index(after: lastBreak)...])
            if let line = complete.split(whereSeparator: \.isNewline).last(where: { !$0.allSatisfy(\.isWhitespace) }) {
                lastLine = String(line.suffix(Self.maxLine))
            }
            buffer = rest
        }
        if buffer.isEmpty {
            partialLines[key] = nil
        } else {
            buffer = String(buffer.suffix(Self.maxLine))
            partialLines[key] = buffer
            if !buffer.allSatisfy(\.isWhitespace) { lastLine = buffer }
        }
    }
}


/// A stage's state in a run.
public enum StageState: String, Sendable, Equatable {
    /// Not started yet.
    case pending
    /// An attempt is running.
    case running
    /// An attempt failed; another will follow.
    case retrying
    /// A remote agent asked for input.
    case inputRequired = "input-required"
    case completed
    case failed
    /// Stopped because the run failed or was cancelled.
    case canceled
    /// Never started because the run ended first.
    case skipped

    /// Completed, failed, canceled or skipped.
    public var isFinal: Bool {
        switch self {
        case .completed, .failed, .canceled, .skipped: true
        default: false
        }
    }
}

extension PipelineSnapshot.Stage {
    /// A stage that asked a question and streams again was answered: it runs again.
    mutating func resumeAfterAnswer() {
        if state == .inputRequired { state = .running }
    }
}
