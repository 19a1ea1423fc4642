/// One entry of `stages:`.
public struct StageSpec: Sendable {
    /// `id:` (required).
    public var id: Located<String>?
    /// `agent:` (required): an id under `agents:`.
    public var agent: Located<String>?
    /// `input:`; `nil` means the default (see ``PlannedStage/input``).
    public var input: Located<Template>?
    /// `needs:`: upstream stage ids, in order.
    public var needs: [Located<String>]
    /// Where `needs:` is written, if it is.
    public var needsLocation: SourceLocation?
    /// `for_each:`.
    public var forEach: ForEachSpec?
    /// `concurrency:`: `for_each` items in flight at once.
    public var concurrency: Located<Int>?
    /// `retry:`.
    public var retry: RetrySpec?
    /// `timeout:`: longest time for one attempt.
    public var timeout: Located<Duration>?
    /// `idle_timeout:`: longest silence inside a stream.
    public var idleTimeout: Located<Duration>?
    /// `progress_weight:`: the stage's share of the pipeline's progress.
    public var progressWeight: Located<Double>?
    /// `description:`.
    public var description: Located<String>?
    /// Where the stage starts (its `-`).
    public var location: SourceLocation

    /// Creates an empty stage.
    public init(location: SourceLocation) {
        self.location = location
        self.needs = []
    }

    /// The keys a stage accepts.
    public static let keys = [
        "id", "agent", "input", "needs", "for_each", "concurrency", "retry",
        "timeout", "idle_timeout", "progress_weight", "description",
    ]
}

/// `for_each:`: run the stage once per item of an upstream stage's output.
public struct ForEachSpec: Sendable {
    /// `from:`: the upstream stage whose output is split into items.
    public var from: Located<String>?
    /// `split:` (default `lines`).
    public var split: Located<SplitMode>?
    /// `order:` (default `input`).
    public var order: Located<ItemOrder>?
    /// Where `for_each:` starts.
    public var location: SourceLocation

    /// Creates an empty `for_each`.
    public init(location: SourceLocation) {
        self.location = location
    }

    /// The keys `for_each` accepts.
    public static let keys = ["from", "split", "order"]
}

/// How an upstream output is split into `for_each` items.
public enum SplitMode: String, Sendable, Hashable, CaseIterable {
    /// One item per non-empty line.
    case lines
    /// One item per A2A message part or artifact chunk.
    case parts
    /// One item per element of a JSON array (or per JSON value, one a line).
    case json
}

/// The order in which `for_each` item outputs are joined.
public enum ItemOrder: String, Sendable, Hashable, CaseIterable {
    /// In the order of the items.
    case input
    /// In the order the items finish.
    case completion
}

/// `retry:`.
public struct RetrySpec: Sendable {
    /// `attempts:`: total tries, at least 1.
    public var attempts: Located<Int>?
    /// `backoff:`: the first wait (default 500ms), doubled after each failure.
    public var backoff: Located<Duration>?
    /// `max_backoff:`: the longest wait.
    public var maxBackoff: Located<Duration>?
    /// Where `retry:` starts.
    public var location: SourceLocation

    /// Creates an empty retry.
    public init(location: SourceLocation) {
        self.location = location
    }

    /// The keys `retry` accepts.
    public static let keys = ["attempts", "backoff", "max_backoff"]
}
